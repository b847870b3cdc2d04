namespace Typed.SocketIO.Client;

/// <summary>Why a client socket disconnected: socket.io-client's reasons.</summary>
public enum SocketIOClientDisconnectReason
{
    /// <summary><c>io server disconnect</c>: the server disconnected the socket; it does not reconnect by itself.</summary>
    IOServerDisconnect,

    /// <summary><c>io client disconnect</c>: the application called <see cref="SocketIOClientSocket.Disconnect"/>.</summary>
    IOClientDisconnect,

    /// <summary><c>ping timeout</c>: the server's heartbeat stopped; the client reconnects.</summary>
    PingTimeout,

    /// <summary><c>transport close</c>: the connection was closed (the server went away, say); the client reconnects.</summary>
    TransportClose,

    /// <summary><c>transport error</c>: the connection failed; the client reconnects.</summary>
    TransportError,

    /// <summary><c>parse error</c>: the server sent a packet that could not be decoded; the client reconnects.</summary>
    ParseError,

    /// <summary><c>forced close</c>: the application closed the whole client.</summary>
    ForcedClose,
}
