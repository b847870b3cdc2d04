namespace Typed.SocketIO;

/// <summary>The socket's part in the server's instruments and activities (docs/telemetry.md).</summary>
public sealed partial class SocketIOSocket
{
    /// <summary>
    /// Whether the application registered a handler for exactly <paramref name="eventName"/> (a catch-all handler does
    /// not count): only such a name, chosen by the application, may name a span.
    /// </summary>
    internal bool DeclaresEvent(string eventName) => _handlers.HasHandlerFor(eventName);

    void IPendingAckOwner.OnAckStarted() => Namespace.Server.Metrics.AckStarted(Namespace);

    void IPendingAckOwner.OnAckEnded(bool timedOut) => Namespace.Server.Metrics.AckEnded(Namespace, timedOut);
}
