namespace Typed.SocketIO.Internal;

/// <summary>
/// Gathers the acknowledgements of one broadcast: done when every recipient the adapters reported has answered,
/// or failed with the partial responses when the timeout passes first.
/// </summary>
internal sealed class BroadcastAckCollector
{
    private readonly TaskCompletionSource<IReadOnlyList<SocketIOArguments>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<SocketIOArguments> _responses = [];
    private readonly CancellationTokenSource _timeout;
    private int _expected;
    private bool _sealed;

    public BroadcastAckCollector(TimeSpan timeout)
    {
        _timeout = new CancellationTokenSource(timeout);
        _timeout.Token.Register(static state => ((BroadcastAckCollector)state!).OnTimeout(), this);
    }

    public void AddExpected(int count)
    {
        lock (_responses)
        {
            _expected += count;

            // A multi-server adapter holds the count up while remote servers have not reported, then lowers it:
            // the answers may all be in by then.
            TryComplete_Locked();
        }
    }

    public void OnResponse(SocketIOArguments arguments)
    {
        lock (_responses)
        {
            if (_completion.Task.IsCompleted)
            {
                return;
            }

            _responses.Add(arguments);
            TryComplete_Locked();
        }
    }

    /// <summary>Every adapter has been asked; from now on the count of recipients is final for local delivery.</summary>
    public Task<IReadOnlyList<SocketIOArguments>> Seal()
    {
        lock (_responses)
        {
            _sealed = true;
            TryComplete_Locked();
        }

        return _completion.Task;
    }

    private void TryComplete_Locked()
    {
        if (_sealed && _responses.Count >= _expected && _completion.TrySetResult([.. _responses]))
        {
            _timeout.Dispose();
        }
    }

    private void OnTimeout()
    {
        lock (_responses)
        {
            _completion.TrySetException(new SocketIOAckTimeoutException([.. _responses]));
        }
    }
}
