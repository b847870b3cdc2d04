namespace Typed.SocketIO.Internal;

/// <summary>
/// A server emit waiting for the client's acknowledgement: completes with its arguments, or fails on timeout,
/// cancellation or disconnect. A broadcast's entry hands the arguments to its collector instead.
/// </summary>
internal sealed class PendingAck : TaskCompletionSource<SocketIOArguments>
{
    private readonly SocketIOSocket _socket;
    private readonly long _id;
    private readonly Action<SocketIOArguments>? _onResponse;
    private CancellationTokenSource? _timeout;
    private CancellationToken _userToken;

    public PendingAck(SocketIOSocket socket, long id, Action<SocketIOArguments>? onResponse = null)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        _socket = socket;
        _id = id;
        _onResponse = onResponse;
    }

    public void StartTimer(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _userToken = cancellationToken;
        _timeout = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
        _timeout.Token.Register(static state => ((PendingAck)state!).OnTimeout(), this);
        _timeout.CancelAfter(timeout);
    }

    public void Complete(SocketIOArguments arguments)
    {
        _timeout?.Dispose();
        if (_onResponse is not null)
        {
            _onResponse(arguments);
            return;
        }

        TrySetResult(arguments);
    }

    public void Fail(Exception exception)
    {
        _timeout?.Dispose();
        if (_onResponse is null)
        {
            TrySetException(exception);
        }
    }

    private void OnTimeout()
    {
        // A late acknowledgement finds no entry and is ignored.
        _socket.RemoveAck(_id, this);
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
