namespace Typed.SocketIO;

/// <summary>
/// Connection state recovery (socket.io 4.6+'s <c>connectionStateRecovery</c>): after an unexpected disconnect, a
/// client that reconnects within <see cref="MaxDisconnectionDuration"/> gets back its socket id, rooms and
/// <see cref="SocketIOSocket.Data"/>, and every packet it missed, once and in order. Set
/// <see cref="SocketIOOptions.ConnectionStateRecovery"/> to turn it on; see docs/recovery.md.
/// </summary>
public sealed class SocketIOConnectionStateRecoveryOptions
{
    /// <summary>How long a session and the packets it may miss are kept after a disconnect. Default 2 min.</summary>
    public TimeSpan MaxDisconnectionDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether a recovered socket skips the namespace's connection middleware, as socket.io's default. Default true.
    /// Set false to re-run authentication on every recovery (the session is bound to the authenticated user either way).
    /// </summary>
    public bool SkipMiddlewares { get; set; } = true;

    /// <summary>
    /// Most packets one session may have missed: past it, recovery fails and the client connects as a new socket.
    /// Default 1,000.
    /// </summary>
    public int MaxPacketsPerSession { get; set; } = 1000;

    /// <summary>
    /// Most bytes (encoded) one session may have missed: past it, recovery fails and the client connects as a new
    /// socket. Default 1 MiB.
    /// </summary>
    public long MaxBytesPerSession { get; set; } = 1024 * 1024;

    /// <summary>
    /// Most packets a namespace keeps for replay, whatever their age: the oldest go first, and a session whose offset
    /// went with them connects as a new socket. Default 10,000.
    /// </summary>
    public int MaxBufferedPackets { get; set; } = 10_000;

    /// <summary>Most bytes (encoded) a namespace keeps for replay; the oldest packets go first. Default 16 MiB.</summary>
    public long MaxBufferedBytes { get; set; } = 16L * 1024 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxDisconnectionDuration, TimeSpan.Zero, nameof(MaxDisconnectionDuration));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPacketsPerSession, 0, nameof(MaxPacketsPerSession));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytesPerSession, 0, nameof(MaxBytesPerSession));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedPackets, 1, nameof(MaxBufferedPackets));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedBytes, 1, nameof(MaxBufferedBytes));
    }
}
