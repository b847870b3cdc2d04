namespace Typed.SocketIO.Client;

/// <summary>The socket's part in the client's instruments (docs/telemetry.md): the acknowledgements it awaits.</summary>
public sealed partial class SocketIOClientSocket
{
    void IPendingAckOwner.OnAckStarted() => SocketIOClientMetrics.AckStarted(Namespace);

    void IPendingAckOwner.OnAckEnded(bool timedOut) => SocketIOClientMetrics.AckEnded(Namespace, timedOut);
}
