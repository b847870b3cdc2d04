using System.Diagnostics;

namespace Bench.LoadGen;

/// <summary>
/// Broadcast rounds over connected clients, shared by (c) and the cluster workload: the first client asks for a
/// broadcast to all, and a round lasts until the last client has its copy.
/// </summary>
internal sealed class BroadcastRounds
{
    private readonly List<WsConnection> _connections;
    private readonly Protocol _protocol;
    private readonly CancellationToken _cancellationToken;
    private int _got;
    private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BroadcastRounds(List<WsConnection> connections, Protocol protocol, CancellationToken cancellationToken)
    {
        _connections = connections;
        _protocol = protocol;
        _cancellationToken = cancellationToken;
        foreach (var connection in connections)
        {
            connection.Handler = kind =>
            {
                if (kind == Kind.Data && Interlocked.Increment(ref _got) == connections.Count)
                {
                    _round.TrySetResult();
                }

                return ValueTask.CompletedTask;
            };
        }
    }

    /// <summary>Runs one round; returns its duration in <see cref="Stopwatch"/> ticks.</summary>
    public async Task<long> RunAsync()
    {
        Volatile.Write(ref _got, 0);
        _round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        await _connections[0].SendAsync(_protocol.Broadcast);
        await _round.Task.WaitAsync(_cancellationToken);
        return Stopwatch.GetTimestamp() - start;
    }
}
