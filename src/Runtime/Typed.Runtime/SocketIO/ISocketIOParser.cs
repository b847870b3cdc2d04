using Typed.EngineIO;

namespace Typed.SocketIO;

/// <summary>A Socket.IO wire encoding: how packets travel as Engine.IO messages.</summary>
internal interface ISocketIOParser
{
    /// <summary>"json" or "msgpack".</summary>
    string Name { get; }

    /// <summary>A decoder for one connection (it may hold the reassembly state of a binary packet).</summary>
    ISocketIODecoder CreateDecoder(SocketIOParserLimits limits);

    /// <summary>Appends the Engine.IO messages that carry <paramref name="packet"/>.</summary>
    void Encode(SocketIOPacket packet, List<EngineIOOutgoingPacket> output);
}

/// <summary>Turns a connection's Engine.IO messages back into packets.</summary>
internal interface ISocketIODecoder
{
    SocketIODecodeStatus Decode(ReadOnlyMemory<byte> message, bool isBinary, out SocketIOPacket? packet, out string? error);

    void Reset();
}
