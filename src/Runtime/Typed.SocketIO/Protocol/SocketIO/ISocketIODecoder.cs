namespace Typed.SocketIO.Protocol;

/// <summary>
/// Turns the Engine.IO messages of one connection into Socket.IO packets. One instance per connection: a decoder may
/// hold the state of a packet that spans several messages (the default parser's binary attachments). Not thread-safe;
/// the connection's receive loop calls it one message at a time.
/// </summary>
public interface ISocketIODecoder
{
    /// <summary>
    /// Decodes one Engine.IO message. Never throws on peer input: a protocol violation returns
    /// <see cref="SocketIODecodeStatus.Error"/> with a short reason in <paramref name="error"/>, and the caller closes
    /// the connection. Whatever the packet keeps of <paramref name="message"/> is documented by each implementation
    /// (the JSON decoder may point into it; copy before reusing the buffer unless it says otherwise).
    /// </summary>
    /// <param name="message">The message's data: text without the Engine.IO <c>4</c>, or the raw binary bytes.</param>
    /// <param name="isBinary">True for a binary Engine.IO message.</param>
    /// <param name="packet">The packet, when the status is <see cref="SocketIODecodeStatus.Packet"/>.</param>
    /// <param name="error">Why the input was refused, when the status is <see cref="SocketIODecodeStatus.Error"/>.</param>
    SocketIODecodeStatus Decode(ReadOnlyMemory<byte> message, bool isBinary, out SocketIOPacket? packet, out string? error);

    /// <summary>Forgets any half-received packet (on close, or after an error).</summary>
    void Reset();
}
