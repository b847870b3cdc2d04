namespace Typed.SocketIO;

/// <summary>The parser (wire encoding) a Socket.IO server or client speaks; both sides must use the same.</summary>
public enum SocketIOParser
{
    /// <summary>The default text encoding of socket.io-parser, with binary attachments.</summary>
    Json,
    /// <summary>socket.io-msgpack-parser: one MessagePack map per packet.</summary>
    MessagePack,
}
