using System.Collections.Concurrent;

namespace Bench.LoadGen.ClientTrack;

/// <summary>
/// The load generator's own hand-built frames as a client, the baseline of the track: replies are matched to
/// requests in order (both servers answer one connection's requests in order).
/// </summary>
public sealed class HandBuiltBenchClient(Protocol protocol) : IBenchClient
{
    private readonly ConcurrentQueue<TaskCompletionSource> _pending = new();
    private readonly Lock _sendOrder = new();
    private WsConnection? _connection;
    private long _sequence;

    public async Task ConnectAsync(int port, CancellationToken cancellationToken)
    {
        _connection = await WsConnection.ConnectAsync(protocol, port, cancellationToken);
        _connection.Handler = kind =>
        {
            if (kind == Kind.Reply && _pending.TryDequeue(out var reply))
            {
                reply.TrySetResult();
            }

            return ValueTask.CompletedTask;
        };
    }

    public async Task EchoAsync(CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ValueTask send;
        lock (_sendOrder)
        {
            // Enqueue and start the send in the same order, so the FIFO matches the wire.
            _pending.Enqueue(reply);
            send = _connection!.SendAsync(protocol.Echo(_sequence++));
        }

        await send;
        await reply.Task.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        return ValueTask.CompletedTask;
    }
}
