namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// A broadcast with acknowledgements this server sent to the cluster. The caller's collector completes when it has
/// as many answers as recipients reported, so one placeholder recipient holds it open until every other server has
/// reported its client count (the number of servers comes from <c>PUBSUB NUMSUB</c>, as Node's adapter gets it);
/// then the placeholder is withdrawn. A server that never reports leaves the collector to its timeout, with the
/// answers that did arrive.
/// </summary>
internal sealed class RedisAckRequest
{
    private readonly object _gate = new();
    private readonly Action<int> _onRecipients;
    private int _expectedServers = -1;
    private int _reportedServers;
    private bool _released;

    public RedisAckRequest(Action<int> onRecipients, Action<SocketIOArguments> onResponse)
    {
        _onRecipients = onRecipients;
        OnResponse = onResponse;
        onRecipients(1);
    }

    /// <summary>Gets each remote client's acknowledgement.</summary>
    public Action<SocketIOArguments> OnResponse { get; }

    /// <summary>A server reported how many of its clients got the packet.</summary>
    public void OnClientCount(int count)
    {
        _onRecipients(count);
        lock (_gate)
        {
            _reportedServers++;
        }

        TryRelease();
    }

    /// <summary>The number of other servers became known (0 when it could not be).</summary>
    public void SetExpectedServers(int count)
    {
        lock (_gate)
        {
            _expectedServers = Math.Max(0, count);
        }

        TryRelease();
    }

    private void TryRelease()
    {
        lock (_gate)
        {
            if (_released || _expectedServers < 0 || _reportedServers < _expectedServers)
            {
                return;
            }

            _released = true;
        }

        _onRecipients(-1);
    }
}
