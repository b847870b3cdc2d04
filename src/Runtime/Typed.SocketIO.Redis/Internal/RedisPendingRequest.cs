namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// A request this server sent and is collecting answers to (<c>fetchSockets</c>, <c>serverSideEmitWithAck</c>): done
/// when every other server has answered, or abandoned at the request timeout. Kept in a bounded table.
/// </summary>
internal sealed class RedisPendingRequest(RedisRequestType type, int expected)
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private int _received;

    public RedisRequestType Type { get; } = type;

    /// <summary>Sockets gathered so far (<c>REMOTE_FETCH</c>).</summary>
    public List<IRemoteSocket> Sockets { get; } = [];

    /// <summary>Answers gathered so far (<c>SERVER_SIDE_EMIT</c>).</summary>
    public List<SocketIOArguments> Responses { get; } = [];

    /// <summary>Completes when every expected server has answered.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Counts one server's answer, whatever it held.</summary>
    public void OnAnswer()
    {
        lock (_gate)
        {
            if (++_received >= expected)
            {
                _completion.TrySetResult();
            }
        }
    }

    /// <summary>How many servers have answered.</summary>
    public int Received
    {
        get
        {
            lock (_gate)
            {
                return _received;
            }
        }
    }
}
