namespace Typed.SocketIO.Internal;

/// <summary>
/// An emit waiting for the peer's acknowledgement: completes with its arguments, or fails on timeout, cancellation
/// or disconnect. An error acknowledgement (<see cref="Protocol.SocketIOErrorAck"/>) fails it with a
/// <see cref="SocketInvocationException"/>. A broadcast's entry (server side) hands the arguments to its collector
/// instead, error acknowledgements included.
/// </summary>
internal sealed class PendingAck : TaskCompletionSource<SocketIOArguments>
{
    private readonly IPendingAckOwner _owner;
    private readonly long _id;
    private readonly string _eventName;
    private readonly Action<SocketIOArguments>? _onResponse;
    private CancellationTokenSource? _timeout;
    private CancellationTokenRegistration _cancellation;
    private CancellationToken _userToken;

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
        _userToken = cancellationToken;
        if (timeout is { } after)
        {
            _timeout = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
            _timeout.Token.Register(static state => ((PendingAck)state!).OnTimeout(), this);
            _timeout.CancelAfter(after);
        }
        else if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static state => ((PendingAck)state!).OnTimeout(), this);
        }
    }

    public void Complete(SocketIOArguments arguments)
    {
        StopTimer();
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
        StopTimer();
        if (_onResponse is null)
        {
            TrySetException(exception);
        }
    }

    private void StopTimer()
    {
        _timeout?.Dispose();
        _cancellation.Dispose();
    }

    private void OnTimeout()
    {
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
