
namespace Typed.SocketIO.Protocol;

/// <summary>
/// A Socket.IO wire encoding: the default JSON one (socket.io-parser) or MessagePack (socket.io-msgpack-parser). Both
/// sides of a connection must use the same one. Every layer above works on one representation whatever the parser:
/// a <see cref="SocketIOPacket"/> whose <see cref="SocketIOPacket.Data"/> is UTF-8 JSON exactly as socket.io-parser
/// would put it on the wire, with binary values replaced by <c>{"_placeholder":true,"num":N}</c> and carried in
/// <see cref="SocketIOPacket.Attachments"/>. Implementations are stateless and thread-safe; the per-connection state
/// lives in the decoder.
/// </summary>
public interface ISocketIOParser
{
    /// <summary>A short stable name for options and logs: <c>json</c> or <c>msgpack</c>.</summary>
    string Name { get; }

    /// <summary>Creates the decoder of one connection.</summary>
    ISocketIODecoder CreateDecoder(SocketIOParserLimits limits);

    /// <summary>
    /// Appends the Engine.IO messages that carry <paramref name="packet"/>. The appended packets may share memory with
    /// <paramref name="packet"/> (its attachments are not copied), so neither may change once encoded; the same
    /// encoded messages may be queued on many connections.
    /// </summary>
    void Encode(SocketIOPacket packet, List<EngineIOOutgoingPacket> output);
}
