namespace Typed.SocketIO;

/// <summary>
/// An emit to one socket with flags (socket.io's <c>socket.volatile</c> and <c>socket.timeout(ms)</c>): obtained from
/// <see cref="SocketIOSocket.Volatile"/> or <see cref="SocketIOSocket.Timeout(TimeSpan)"/>, combinable
/// (<c>socket.Volatile.Timeout(…)</c>), immutable, so one can be kept and reused.
/// </summary>
public sealed class SocketIOSocketOperator
{
    private readonly SocketIOSocket _socket;
    private readonly bool _volatile;
    private readonly TimeSpan? _timeout;

    internal SocketIOSocketOperator(SocketIOSocket socket, bool isVolatile, TimeSpan? timeout)
    {
        _socket = socket;
        _volatile = isVolatile;
        _timeout = timeout;
    }

    /// <summary>
    /// The same emit, volatile: dropped, not queued, when the client's transport cannot take it now (polling with no
    /// request waiting, a WebSocket still writing, an upgrade in progress), as socket.io's <c>socket.volatile.emit</c>.
    /// </summary>
    public SocketIOSocketOperator Volatile => new(_socket, isVolatile: true, _timeout);

    /// <summary>The same emit, whose acknowledgement is awaited for at most <paramref name="timeout"/>.</summary>
    public SocketIOSocketOperator Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new(_socket, _volatile, timeout);
    }

    /// <summary>Emits <paramref name="eventName"/> to the socket with this operator's flags.</summary>
    /// <exception cref="ArgumentException">The name is reserved (connect, disconnect…).</exception>
    public void Emit(string eventName, params object?[] args) => _socket.EmitWith(eventName, args, _volatile);

    /// <summary>
    /// Emits <paramref name="eventName"/> and completes with the client's acknowledgement; fails with
    /// <see cref="SocketIOAckTimeoutException"/> when none arrives within the operator's timeout (default
    /// <see cref="SocketIOOptions.DefaultAckTimeout"/>), as socket.io's <c>socket.timeout(ms).emit(…, (err, res) =&gt; …)</c>
    /// reports <c>err</c>; with <see cref="SocketIODisconnectedException"/> if the socket leaves first. A volatile
    /// emit the transport dropped is never answered, so it times out.
    /// </summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, object?[] args, CancellationToken cancellationToken = default) =>
        _socket.EmitWithAckCore(eventName, args, _timeout, _volatile, cancellationToken);

    /// <summary>Emits with an acknowledgement (see <see cref="EmitWithAckAsync(string, object?[], CancellationToken)"/>).</summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, params object?[] args) =>
        EmitWithAckAsync(eventName, args, CancellationToken.None);
}
