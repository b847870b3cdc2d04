namespace Typed.SocketIO.Client;

/// <summary>
/// One Engine.IO packet of the client's connection, as <see cref="SocketIOClient.EnginePacketReceived"/> and
/// <see cref="SocketIOClient.EnginePacketCreated"/> report it (engine.io-client's <c>packet</c> and
/// <c>packetCreate</c> events): its type and the size of its data, not the data itself (the bytes belong to the
/// transport's buffer and are reused once the packet is handled).
/// </summary>
public readonly struct EngineIOPacketInfo
{
    internal EngineIOPacketInfo(EngineIOPacketType type, int length, bool isBinary)
    {
        Type = type;
        Length = length;
        IsBinary = isBinary;
    }

    /// <summary>The packet type: <see cref="EngineIOPacketType.Message"/> for Socket.IO's packets, the others for Engine.IO's own.</summary>
    public EngineIOPacketType Type { get; }

    /// <summary>
    /// The size of the packet's data in bytes, whatever the transport: UTF-8 text after the type character, or the raw
    /// bytes of a binary message (decoded, not the base64 polling carries). <c>0</c> for a ping, pong or noop.
    /// </summary>
    public int Length { get; }

    /// <summary>Whether the packet is a binary message (a Socket.IO binary attachment, or MessagePack).</summary>
    public bool IsBinary { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Type} {(IsBinary ? "binary" : "text")} {Length} B";
}
