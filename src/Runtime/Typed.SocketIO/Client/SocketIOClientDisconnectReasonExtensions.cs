namespace Typed.SocketIO.Client;

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
