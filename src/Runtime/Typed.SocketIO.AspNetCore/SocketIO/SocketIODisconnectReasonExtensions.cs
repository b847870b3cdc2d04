namespace Typed.SocketIO;

/// <summary>Conversions for <see cref="SocketIODisconnectReason"/>.</summary>
public static class SocketIODisconnectReasonExtensions
{
    /// <summary>The reason as socket.io's server reports it (e.g. <c>"client namespace disconnect"</c>).</summary>
    public static string ToWireString(this SocketIODisconnectReason reason) => reason switch
    {
        SocketIODisconnectReason.TransportError => "transport error",
        SocketIODisconnectReason.TransportClose => "transport close",
        SocketIODisconnectReason.ForcedClose => "forced close",
        SocketIODisconnectReason.PingTimeout => "ping timeout",
        SocketIODisconnectReason.ParseError => "parse error",
        SocketIODisconnectReason.ServerShuttingDown => "server shutting down",
        SocketIODisconnectReason.ForcedServerClose => "forced server close",
        SocketIODisconnectReason.ClientNamespaceDisconnect => "client namespace disconnect",
        SocketIODisconnectReason.ServerNamespaceDisconnect => "server namespace disconnect",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
