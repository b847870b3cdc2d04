using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// The streams mode's read loop: <c>XREAD COUNT n BLOCK ms STREAMS name lastId</c>, entries handed in stream order to
/// the adapter of their namespace, one at a time. StackExchange.Redis multiplexes every command of a connection over one
/// socket, so a blocking command would stall everything else: the loop gets a connection of its own (a second
/// <see cref="ConnectionMultiplexer"/> used for nothing else), where a blocked <c>XREAD</c> delays nobody and returns as
/// soon as an entry is added: the latency is Redis's, not a polling interval's. The cost is one more connection per
/// server. It starts after the stream's last entry at start-up (not <c>$</c> at the first read, so nothing added
/// between start-up and the first read is missed), and after a failure (Redis down) resumes from the last entry it
/// handled, so entries added meanwhile are delivered late rather than lost, while they are still in the stream.
/// </summary>
internal sealed class RedisStreamReader : IAsyncDisposable
{
    /// <summary>How long one <c>XREAD</c> blocks; also how long stopping may wait for the loop.</summary>
    private const int BlockMilliseconds = 2000;

    private readonly RedisBackplane _backplane;
    private readonly ConcurrentDictionary<string, RedisStreamsAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private ConnectionMultiplexer? _connection;
    private Task? _loop;
    private RedisStreamId _last;
    private int _disposed;

    public RedisStreamReader(RedisBackplane backplane)
    {
        _backplane = backplane;
        StreamName = backplane.Options.StreamName;
    }

    public string StreamName { get; }

    /// <summary>
    /// The stream's last entry when the loop started: entries up to it are never delivered by the loop, so a restore
    /// replays them all.
    /// </summary>
    public RedisStreamId StartPosition { get; private set; }

    public void Register(string nsp, RedisStreamsAdapter adapter) => _adapters[nsp] = adapter;

    /// <summary>Finds the start position on the shared connection, opens the dedicated one and starts the loop.</summary>
    public async Task StartAsync(ConnectionMultiplexer shared, ConfigurationOptions configuration, CancellationToken cancellationToken)
    {
        var last = await shared.GetDatabase().StreamRangeAsync(StreamName, "-", "+", count: 1, messageOrder: Order.Descending).ConfigureAwait(false);
        _last = last.Length == 1 && RedisStreamId.TryParse(last[0].Id, out var id) ? id : RedisStreamId.Zero;
        StartPosition = _last;

        var dedicated = configuration.Clone();
        dedicated.ClientName = (configuration.ClientName ?? "typed-socketio") + "-stream";

        // A blocked XREAD must not count as a timed-out command.
        dedicated.AsyncTimeout = Math.Max(dedicated.AsyncTimeout, BlockMilliseconds + 10_000);
        _connection = await ConnectionMultiplexer.ConnectAsync(dedicated).WaitAsync(cancellationToken).ConfigureAwait(false);
        RedisLog.StreamReading(_backplane.Logger, StreamName, _last.ToString());
        _loop = Task.Run(ReadLoopAsync, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);

        // The loop ends after its XREAD returns (at most the block time): closing the connection under a command in
        // flight makes StackExchange.Redis throw from the connection's reader instead.
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        if (_connection is not null)
        {
            await _connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var database = _connection!.GetDatabase();
        var count = Math.Max(1, _backplane.Options.StreamReadCount);
        while (!_stopping.IsCancellationRequested)
        {
            RedisResult result;
            try
            {
                result = await database.ExecuteAsync("XREAD", "COUNT", count, "BLOCK", BlockMilliseconds, "STREAMS", StreamName, _last.ToString()).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException or OperationCanceledException)
            {
                // A connection lost with the XREAD in flight cancels it (TaskCanceledException): retried like a failure.
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }

                RedisLog.StreamReadFailed(_backplane.Logger, StreamName, exception);
                try
                {
                    await Task.Delay(500, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            // [[name, [[id, [field, value, ...]], ...]]], or nil when the block timed out.
            if (result.IsNull || result.Resp2Type != ResultType.Array || (RedisResult[]?)result is not [var stream, ..]
                || (RedisResult[]?)stream is not [_, var entries] || (RedisResult[]?)entries is not { } list)
            {
                continue;
            }

            foreach (var entry in list)
            {
                await HandleAsync(entry).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleAsync(RedisResult entry)
    {
        if ((RedisResult[]?)entry is not [var idResult, var fieldsResult] || !RedisStreamId.TryParse((string?)idResult, out var id))
        {
            // Not an entry: nothing to resume from either; Redis itself would never send it.
            return;
        }

        _last = id;
        if ((RedisResult[]?)fieldsResult is not { } values || values.Length % 2 != 0)
        {
            RedisLog.StreamEntryDropped(_backplane.Logger, id.ToString(), StreamName, "fields are not name/value pairs");
            return;
        }

        var fields = new NameValueEntry[values.Length / 2];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new NameValueEntry((RedisValue)values[2 * i], (RedisValue)values[(2 * i) + 1]);
        }

        var nsp = RedisStreamsAdapter.FindField(fields, "nsp");
        if (nsp.IsNullOrEmpty)
        {
            // Node skips an entry without a namespace the same way.
            return;
        }

        if (_adapters.TryGetValue(nsp.ToString(), out var adapter))
        {
            try
            {
                await adapter.OnStreamEntryAsync(id, fields).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                RedisLog.HandlingFailed(_backplane.Logger, StreamName, exception);
            }
        }
    }
}
