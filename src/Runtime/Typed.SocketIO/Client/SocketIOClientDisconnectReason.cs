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

/// <summary>The socket.io-client strings of <see cref="SocketIOClientDisconnectReason"/>.</summary>
public static class SocketIOClientDisconnectReasonExtensions
{
    /// <summary>The reason as socket.io-client names it (<c>io server disconnect</c>…).</summary>
    public static string ToWireString(this SocketIOClientDisconnectReason reason) => reason switch
    {
        SocketIOClientDisconnectReason.IOServerDisconnect => "io server disconnect",
        SocketIOClientDisconnectReason.IOClientDisconnect => "io client disconnect",
        SocketIOClientDisconnectReason.PingTimeout => "ping timeout",
        SocketIOClientDisconnectReason.TransportClose => "transport close",
        SocketIOClientDisconnectReason.TransportError => "transport error",
        SocketIOClientDisconnectReason.ParseError => "parse error",
        SocketIOClientDisconnectReason.ForcedClose => "forced close",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>Whether the client reconnects by itself after this reason (when reconnection is enabled).</summary>
    public static bool ReconnectsAutomatically(this SocketIOClientDisconnectReason reason) =>
        reason is not (SocketIOClientDisconnectReason.IOServerDisconnect or SocketIOClientDisconnectReason.IOClientDisconnect or SocketIOClientDisconnectReason.ForcedClose);

    internal static SocketIOClientDisconnectReason FromEngineReason(string reason) => reason switch
    {
        "ping timeout" => SocketIOClientDisconnectReason.PingTimeout,
        "transport error" => SocketIOClientDisconnectReason.TransportError,
        "parse error" => SocketIOClientDisconnectReason.ParseError,
        "forced close" => SocketIOClientDisconnectReason.ForcedClose,
        _ => SocketIOClientDisconnectReason.TransportClose,
    };
}
