using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// The server's one Redis connection (StackExchange.Redis multiplexes publishing and subscriptions over it) and the
/// subscriptions of every namespace adapter. It connects before the server starts listening (a lifecycle hook that
/// runs before Kestrel starts), so a server that accepts clients is already in the cluster. StackExchange.Redis
/// reconnects on its own and re-subscribes every channel; while it is down, publishing fails at once (the backlog is
/// off) and the adapters drop or fail what they were sending rather than queue it.
/// </summary>
internal sealed class RedisBackplane : IHostedLifecycleService, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<(RedisChannel Channel, Func<ChannelMessage, Task> Handler)> _subscriptions = [];
    private ConnectionMultiplexer? _connection;
    private volatile bool _disposed;

    public RedisBackplane(IOptions<SocketIORedisOptions> options, ILoggerFactory loggerFactory)
    {
        Options = options.Value;
        Logger = loggerFactory.CreateLogger("Typed.SocketIO.Redis");
        StreamReader = Options.Mode == SocketIORedisMode.Streams ? new RedisStreamReader(this) : null;
    }

    public SocketIORedisOptions Options { get; }

    public ILogger Logger { get; }

    /// <summary>Creates the adapter of a namespace for the configured mode.</summary>
    public SocketIOAdapter CreateAdapter(SocketIONamespace ns) => Options.Mode switch
    {
        SocketIORedisMode.Sharded => new RedisShardedAdapter(ns, this),
        SocketIORedisMode.Streams => new RedisStreamsAdapter(ns, this),
        _ => new RedisClassicAdapter(ns, this),
    };

    /// <summary>The streams mode's read loop (created with the backplane in that mode, started with the connection).</summary>
    public RedisStreamReader? StreamReader { get; }

    /// <summary>The shared connection's database; fails at once while the connection is not open.</summary>
    public IDatabase Database => (_connection ?? throw new InvalidOperationException("The Redis connection is not open yet.")).GetDatabase();

    /// <summary>Subscribes now when connected, else when the connection opens; messages of one channel arrive in order.</summary>
    public void Subscribe(RedisChannel channel, Func<ChannelMessage, Task> handler)
    {
        ConnectionMultiplexer? connection;
        lock (_gate)
        {
            _subscriptions.Add((channel, handler));
            connection = _connection;
        }

        if (connection is not null)
        {
            _ = SubscribeAsync(connection, channel, handler);
        }
    }

    /// <summary>
    /// Forgets a channel's subscription (a room's channel in sharded mode, once the room is gone). Unsubscribing and
    /// subscribing the same channel again are sent in the order they were called, on the one subscription connection.
    /// </summary>
    public void Unsubscribe(RedisChannel channel)
    {
        ConnectionMultiplexer? connection;
        lock (_gate)
        {
            _subscriptions.RemoveAll(subscription => subscription.Channel == channel);
            connection = _connection;
        }

        if (connection is not null)
        {
            _ = UnsubscribeLoggedAsync(connection, channel);
        }
    }

    /// <summary>Publishes; fails at once with <see cref="RedisConnectionException"/> while Redis is unreachable.</summary>
    public async Task PublishAsync(RedisChannel channel, ReadOnlyMemory<byte> message)
    {
        var connection = _connection ?? throw new InvalidOperationException("The Redis connection is not open yet.");
        await connection.GetSubscriber().PublishAsync(channel, message).ConfigureAwait(false);
    }

    /// <summary>Publishes without waiting; a failure is logged and the message dropped.</summary>
    public void Publish(RedisChannel channel, ReadOnlyMemory<byte> message)
    {
        _ = PublishLoggedAsync(channel, message);
    }

    /// <summary>Runs <c>PUBSUB NUMSUB</c> (or <c>SHARDNUMSUB</c>) on one channel: how many subscribers it has.</summary>
    public async Task<int> CountSubscribersAsync(string command, string channel)
    {
        var connection = _connection ?? throw new InvalidOperationException("The Redis connection is not open yet.");
        var result = await connection.GetDatabase().ExecuteAsync("PUBSUB", command, channel).ConfigureAwait(false);
        var entries = (RedisResult[]?)result;
        return entries is { Length: 2 } ? (int)entries[1] : 0;
    }

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(Options.Configuration);

        // Fail fast rather than queue while disconnected: a backplane must not hold broadcasts for later.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.AbortOnConnectFail = true;
        configuration.ClientName ??= "typed-socketio";
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).WaitAsync(cancellationToken).ConfigureAwait(false);
        connection.ConnectionFailed += (_, e) => RedisLog.ConnectionFailed(Logger, e.FailureType.ToString(), e.Exception);
        connection.ConnectionRestored += (_, e) =>
        {
            // Logged once per restored connection (interactive and subscription).
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                RedisLog.ConnectionRestored(Logger);
            }
        };

        List<(RedisChannel Channel, Func<ChannelMessage, Task> Handler)> pending;
        lock (_gate)
        {
            _connection = connection;
            pending = [.. _subscriptions];
        }

        foreach (var (channel, handler) in pending)
        {
            await SubscribeAsync(connection, channel, handler).ConfigureAwait(false);
        }

        if (StreamReader is not null)
        {
            await StreamReader.StartAsync(connection, configuration, cancellationToken).ConfigureAwait(false);
        }

        RedisLog.Connected(Logger, string.Join(",", configuration.EndPoints), Options.Mode.ToString());
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (StreamReader is not null)
        {
            await StreamReader.DisposeAsync().ConfigureAwait(false);
        }

        ConnectionMultiplexer? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.CloseAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task SubscribeAsync(ConnectionMultiplexer connection, RedisChannel channel, Func<ChannelMessage, Task> handler)
    {
        // A queue keeps the channel's messages in order and runs one handler at a time. The subscription connection
        // may still be opening (or be down): with the backlog off that fails at once, so retry until it is up.
        ChannelMessageQueue queue;
        while (true)
        {
            try
            {
                queue = await connection.GetSubscriber().SubscribeAsync(channel).ConfigureAwait(false);
                break;
            }
            catch (RedisConnectionException) when (!_disposed)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        queue.OnMessage(async message =>
        {
            try
            {
                await handler(message).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                RedisLog.HandlingFailed(Logger, message.Channel.ToString(), exception);
            }
        });
    }

    private async Task UnsubscribeLoggedAsync(ConnectionMultiplexer connection, RedisChannel channel)
    {
        try
        {
            await connection.GetSubscriber().UnsubscribeAsync(channel).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            // While disconnected there is nothing to unsubscribe from: StackExchange.Redis restores only the
            // subscriptions it still holds, and this one is gone from its table.
            RedisLog.UnsubscribeFailed(Logger, channel.ToString(), exception);
        }
    }

    private async Task PublishLoggedAsync(RedisChannel channel, ReadOnlyMemory<byte> message)
    {
        try
        {
            await PublishAsync(channel, message).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.PublishFailed(Logger, channel.ToString(), exception);
        }
    }
}
