namespace Typed.SocketIO.Internal;

/// <summary>The outcome of reading one WebSocket message.</summary>
internal enum WebSocketReadStatus
{
    Message,
    /// <summary>The peer sent a close frame.</summary>
    PeerClosed,
    /// <summary>The connection dropped without a close frame.</summary>
    ConnectionLost,
    /// <summary>A protocol violation (bad frame, invalid UTF-8, too large, too many fragments); the socket was closed with its code.</summary>
    ProtocolError,
}
