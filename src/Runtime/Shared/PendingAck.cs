namespace Typed.SocketIO.Internal;

/// <summary>
/// An emit waiting for the peer's acknowledgement: completes with its arguments, or fails on timeout, cancellation
/// or disconnect. An error acknowledgement (<see cref="Protocol.SocketIOErrorAck"/>) fails it with a
/// <see cref="SocketInvocationException"/>. A broadcast's entry (server side) hands the arguments to its collector
/// instead, error acknowledgements included.
/// </summary>
/// <remarks>
/// Whatever ends the wait (answer, timeout, cancellation, disconnect) releases the timer and everything registered on
/// the caller's token, and a timer started after the wait already ended registers nothing: a long-lived token must
/// not collect one registration per acknowledgement.
/// </remarks>
internal sealed class PendingAck : TaskCompletionSource<SocketIOArguments>
{
    private readonly IPendingAckOwner _owner;
    private readonly long _id;
    private readonly string _eventName;
    private readonly Action<SocketIOArguments>? _onResponse;
    private CancellationTokenSource? _timeout;
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _userToken;
    private bool _ended;
    private bool _counted; // told the owner it started (telemetry), so the end is told exactly once too

    public PendingAck(IPendingAckOwner owner, long id, string eventName, Action<SocketIOArguments>? onResponse = null)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _owner = owner;
        _id = id;
        _eventName = eventName;
        _onResponse = onResponse;
    }

    public long Id => _id;

    /// <summary>Fails the wait after <paramref name="timeout"/> (none when null) or when the token is cancelled.</summary>
    public void StartTimer(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        bool counted;
        lock (this)
        {
            // Counted once the emit is registered and sent (the callers start the timer then), never after the end.
            counted = _counted = !_ended;
        }

        if (counted)
        {
            _owner.OnAckStarted();
        }

        if (timeout is null && !cancellationToken.CanBeCanceled)
        {
            return;
        }

        // The lock (on this instance, which nothing else locks) orders the start against an end racing on another
        // thread: the packet is sent before the timer starts, so its answer may already be in.
        lock (this)
        {
            if (_ended)
            {
                return;
            }

            _userToken = cancellationToken;
            if (timeout is { } after)
            {
                var source = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
                _timeout = source;

                // An already-cancelled token runs OnTimeout right here (the lock is re-entrant), which ends the wait.
                source.Token.Register(static state => ((PendingAck)state!).OnTimeout(), this);
                if (!_ended)
                {
                    source.CancelAfter(after);
                }
            }
            else
            {
                var registration = cancellationToken.Register(static state => ((PendingAck)state!).OnTimeout(), this);
                if (_ended)
                {
                    registration.Dispose();
                }
                else
                {
                    _cancellation = registration;
                }
            }
        }
    }

    public void Complete(SocketIOArguments arguments)
    {
        End();
        if (_onResponse is not null)
        {
            _onResponse(arguments);
            return;
        }

        // The peer's handler failed or refused the event: the caller learns it now, not at its timeout.
        if (Protocol.SocketIOErrorAck.TryRead(arguments, out var error))
        {
            TrySetException(new SocketInvocationException(_eventName, error!));
            return;
        }

        TrySetResult(arguments);
    }

    public void Fail(Exception exception)
    {
        End();
        if (_onResponse is null)
        {
            TrySetException(exception);
        }
    }

    /// <summary>The wait is over: the timer and the registration on the caller's token go (idempotent).</summary>
    private void End(bool timedOut = false)
    {
        CancellationTokenSource? timeout;
        CancellationTokenRegistration cancellation;
        bool counted;
        lock (this)
        {
            counted = _counted && !_ended;
            _ended = true;
            timeout = _timeout;
            cancellation = _cancellation;
            _timeout = null;
            _cancellation = default;
        }

        // Disposing a linked source removes its registration from the caller's token. Called from the source's own
        // callback (the timeout), this neither waits nor throws: its callbacks are already detached.
        timeout?.Dispose();
        cancellation.Dispose();
        if (counted)
        {
            _owner.OnAckEnded(timedOut);
        }
    }

    private void OnTimeout()
    {
        End(timedOut: !_userToken.IsCancellationRequested);

        // A late acknowledgement finds no entry and is ignored.
        _owner.RemoveAck(_id, this);
        if (_onResponse is not null)
        {
            return; // the broadcast's collector reports its own timeout
        }

        if (_userToken.IsCancellationRequested)
        {
            TrySetCanceled(_userToken);
        }
        else
        {
            TrySetException(new SocketIOAckTimeoutException());
        }
    }
}
