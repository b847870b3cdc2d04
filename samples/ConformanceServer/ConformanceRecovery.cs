using Typed.SocketIO;

namespace ConformanceServer;

/// <summary>
/// Connection state recovery for the interop application (docs/protocol/cluster-app.md): <c>--recovery</c> turns
/// it on (<c>skipMiddlewares</c> true, as Node's), <c>--recovery-window ms</c> sets <c>maxDisconnectionDuration</c>
/// (default 120000). <c>whoami</c> (<see cref="ClusterApp"/>) answers whether a socket was recovered.
/// </summary>
public static class ConformanceRecovery
{
    /// <summary>The recovery options the command line asks for; null (off) without <c>--recovery</c>.</summary>
    public static SocketIOConnectionStateRecoveryOptions? Options(bool enabled, int windowMilliseconds) =>
        enabled ? new SocketIOConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromMilliseconds(windowMilliseconds) } : null;
}
