using Typed.EngineIO.Internal.Transports;

namespace Typed.EngineIO.Internal;

/// <summary>
/// A WebSocket probing to take over a session from its current transport (engine.io's <c>maybeUpgrade</c>), with
/// the upgrade timeout and the timer that keeps releasing the client's polls once <c>3probe</c> is sent.
/// </summary>
internal sealed class EngineIOUpgradeProbe(EngineIOSession session, WebSocketTransport transport) : IDisposable
{
    private static readonly TimeSpan s_noopPeriod = TimeSpan.FromMilliseconds(100);

    private Timer? _noop;
    private Timer? _timeout;

    public WebSocketTransport Transport { get; } = transport;

    public void Start() => _timeout = new Timer(
        static state => ((EngineIOUpgradeProbe)state!).OnTimeout(), this, session.Options.UpgradeTimeout, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// After <c>3probe</c>, the old transport releases what the client waits on until the upgrade ends, so the
    /// client's polling pauses quickly; releasing it only once leaves a second GET hanging until the next ping.
    /// </summary>
    public void StartNoops() => _noop ??= new Timer(
        static state => ((EngineIOUpgradeProbe)state!).OnNoopTick(), this, TimeSpan.Zero, s_noopPeriod);

    private void OnNoopTick() => session.OnUpgradeNoopTick(this);

    private void OnTimeout() => session.AbandonUpgrade(this, "upgrade timeout");

    public void Dispose()
    {
        _noop?.Dispose();
        _timeout?.Dispose();
    }
}
