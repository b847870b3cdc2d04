using System.Diagnostics;

namespace Bench.LoadGen;

/// <summary>How long and how big each workload is (full or --quick).</summary>
public sealed record Settings(
    bool Quick,
    int Repetitions,
    TimeSpan Warmup,
    TimeSpan Measure,
    int[] BroadcastClients,
    int StormConnections,
    int StormConcurrency,
    int IdleConnections,
    int HoldIdleSeconds = 0,
    string ServerCores = "0",
    string ClientCores = "1")
{
    public static Settings Full { get; } = new(false, 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), [1000, 5000], 2000, 50, 10_000);

    public static Settings QuickRun { get; } = new(true, 1, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), [200, 1000], 500, 50, 2000);
}

/// <summary>Named figures of one workload run against one system.</summary>
public sealed class Metrics : Dictionary<string, double>;

/// <summary>
/// The workloads. Each drives one server with one <see cref="Protocol"/> and reads the server's CPU time over the
/// measured window only (after a warm-up), so "server CPU µs per message" is comparable across systems.
/// </summary>
public static class Workloads
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Un-measured traffic right after a server starts, so the measured workloads find its code compiled by the
    /// optimizing JIT (.NET tier 1, V8's optimizing tiers): echo, fire-and-forget, emits, a small connection storm
    /// (and one through polling where there is polling).
    /// </summary>
    public static async Task WarmUpAsync(ServerProcess server, Protocol protocol, Settings settings)
    {
        var brief = settings with { Warmup = TimeSpan.FromMilliseconds(100), Measure = settings.Warmup };
        await EchoAsync(server, protocol, brief, window: 100);
        await FireAndForgetAsync(server, protocol, brief);
        await ServerEmitsAsync(server, protocol, brief);
        using var http = PollingSession.CreateClient();
        var (connections, _, _) = await ConnectManyAsync(server, protocol, 200, settings.StormConcurrency, false, null);
        connections.ForEach(c => c.Dispose());
        if (protocol is not RawProtocol)
        {
            (connections, _, _) = await ConnectManyAsync(server, protocol, 100, settings.StormConcurrency, true, http);
            connections.ForEach(c => c.Dispose());
            await PollingThroughputAsync(server, protocol, brief);
        }
    }

    /// <summary>(a) with window 1, (b1) with window 100: acked echo, a new request sent as each reply arrives.</summary>
    public static async Task<Metrics> EchoAsync(ServerProcess server, Protocol protocol, Settings settings, int window)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var connection = await WsConnection.ConnectAsync(protocol, server.Port, cts.Token);
        var sentAt = new long[Protocol.Slots];
        var latencies = new LatencyRecorder();
        long sent = 0, received = 0, measured = 0;
        var measuring = false;
        var stop = false;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        connection.Handler = async kind =>
        {
            if (kind != Kind.Reply)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var sequence = received++;
            if (Volatile.Read(ref measuring))
            {
                latencies.Add(now - sentAt[sequence % Protocol.Slots]);
                measured++;
            }

            if (!Volatile.Read(ref stop))
            {
                await SendNextAsync();
            }
            else if (received == Interlocked.Read(ref sent))
            {
                drained.TrySetResult();
            }
        };

        // The first requests go out while replies may already arrive: the sequence is taken atomically.
        ValueTask SendNextAsync()
        {
            var sequence = Interlocked.Increment(ref sent) - 1;
            sentAt[sequence % Protocol.Slots] = Stopwatch.GetTimestamp();
            return connection.SendAsync(protocol.Echo(sequence));
        }

        for (var i = 0; i < window; i++)
        {
            await SendNextAsync();
        }

        await Task.Delay(settings.Warmup);
        var window0 = Window.Start(server);
        Volatile.Write(ref measuring, true);
        await Task.Delay(settings.Measure);
        Volatile.Write(ref measuring, false);
        var count = Volatile.Read(ref measured);
        var (seconds, cpu) = window0.Stop();
        Volatile.Write(ref stop, true);
        await drained.Task.WaitAsync(cts.Token);

        var metrics = new Metrics
        {
            ["msg_per_s"] = count / seconds,
            ["cpu_us_per_msg"] = cpu * 1e6 / count,
        };
        latencies.AddPercentiles(metrics, "");
        return metrics;
    }

    /// <summary>(b2) bursts of 1000 fire-and-forget messages, each closed by an acked barrier, written in one go.</summary>
    public static async Task<Metrics> FireAndForgetAsync(ServerProcess server, Protocol protocol, Settings settings)
    {
        const int Batch = 1000;
        using var cts = new CancellationTokenSource(Timeout);
        using var connection = await WsConnection.ConnectAsync(protocol, server.Port, cts.Token, corkable: true);
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Handler = kind =>
        {
            if (kind == Kind.Reply)
            {
                barrier.TrySetResult();
            }

            return ValueTask.CompletedTask;
        };

        long sequence = 0;
        async Task RunBatchAsync()
        {
            barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // The batch is one burst: 1001 frames gathered, then written at once, so the load generator's cost
            // is a copy per frame rather than a system call per frame, and the server reads full buffers.
            connection.Cork();
            for (var i = 0; i < Batch; i++)
            {
                await connection.SendAsync(protocol.FireAndForget);
            }

            await connection.SendAsync(protocol.Barrier(sequence++));
            await connection.UncorkAsync();
            await barrier.Task.WaitAsync(cts.Token);
        }

        return await RunBatchesAsync(server, settings, Batch, RunBatchAsync);
    }

    /// <summary>(b3) server→client: each request asks for 1000 emits; 4 connections, one request in flight each.</summary>
    public static async Task<Metrics> ServerEmitsAsync(ServerProcess server, Protocol protocol, Settings settings)
    {
        const int Connections = 4;
        using var cts = new CancellationTokenSource(Timeout);
        var connections = new List<WsConnection>();
        long data = 0;
        var stop = false;
        var running = Connections;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            for (var i = 0; i < Connections; i++)
            {
                var connection = await WsConnection.ConnectAsync(protocol, server.Port, cts.Token);
                connections.Add(connection);
                long sequence = 0;
                connection.Handler = async kind =>
                {
                    if (kind == Kind.Data)
                    {
                        Interlocked.Increment(ref data);
                    }
                    else if (!Volatile.Read(ref stop))
                    {
                        await connection.SendAsync(protocol.Emits(sequence++));
                    }
                    else if (Interlocked.Decrement(ref running) == 0)
                    {
                        drained.TrySetResult();
                    }
                };
            }

            foreach (var connection in connections)
            {
                await connection.SendAsync(protocol.Emits(0));
            }

            await Task.Delay(settings.Warmup);
            var window = Window.Start(server);
            var before = Interlocked.Read(ref data);
            await Task.Delay(settings.Measure);
            var count = Interlocked.Read(ref data) - before;
            var (seconds, cpu) = window.Stop();
            Volatile.Write(ref stop, true);
            await drained.Task.WaitAsync(cts.Token);
            return new Metrics
            {
                ["msg_per_s"] = count / seconds,
                ["cpu_us_per_msg"] = cpu * 1e6 / count,
            };
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// (c) broadcast: <paramref name="connections"/> clients connected; one of them asks for a broadcast to all, and a
    /// round lasts until the last client has its copy. Rounds run back to back for the measured time.
    /// </summary>
    public static async Task<Metrics> BroadcastAsync(ServerProcess server, Protocol protocol, Settings settings, List<WsConnection> connections)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var target = connections.Count;
        var broadcast = new BroadcastRounds(connections, protocol, cts.Token);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3 || clock.Elapsed < settings.Warmup; i++)
        {
            await broadcast.RunAsync();
        }

        var window = Window.Start(server);
        var rounds = new LatencyRecorder();
        clock.Restart();
        while (rounds.Count < 5 || clock.Elapsed < settings.Measure)
        {
            rounds.Add(await broadcast.RunAsync());
        }

        var (seconds, cpu) = window.Stop();
        var deliveries = (double)rounds.Count * target;
        var metrics = new Metrics
        {
            ["deliveries_per_s"] = deliveries / seconds,
            ["cpu_us_per_delivery"] = cpu * 1e6 / deliveries,
            ["last_receipt_p50_ms"] = rounds.Percentile(0.5) / 1000,
        };
        return metrics;
    }

    /// <summary>
    /// (d) connection storm: <see cref="Settings.StormConnections"/> connections, <see cref="Settings.StormConcurrency"/>
    /// at a time, each counted once its handshake is done: direct WebSocket (<paramref name="viaPolling"/> false), or
    /// polling handshake + CONNECT then upgrade (SignalR: negotiate, then WebSocket).
    /// </summary>
    public static async Task<Metrics> StormAsync(ServerProcess server, Protocol protocol, Settings settings, bool viaPolling)
    {
        using var http = PollingSession.CreateClient();
        var window = Window.Start(server);
        var (connections, latencies, errors) = await ConnectManyAsync(server, protocol, settings.StormConnections, settings.StormConcurrency, viaPolling, http);
        var (seconds, cpu) = window.Stop();
        connections.ForEach(c => c.Dispose());
        var metrics = new Metrics
        {
            ["conn_per_s"] = connections.Count / seconds,
            ["cpu_us_per_conn"] = cpu * 1e6 / Math.Max(1, connections.Count),
            ["errors"] = errors,
        };
        latencies.AddPercentiles(metrics, "connect_");
        return metrics;
    }

    /// <summary>(e) memory per idle WebSocket connection: (RSS with N idle connections − RSS before) / N, both after a full GC.</summary>
    public static async Task<Metrics> IdleMemoryAsync(ServerProcess server, Protocol protocol, Settings settings)
    {
        // Warm the server's code paths and pools first, so the baseline is not a cold process.
        var (warm, _, _) = await ConnectManyAsync(server, protocol, 200, settings.StormConcurrency, false, null);
        warm.ForEach(c => c.Dispose());
        await Task.Delay(500);
        var heapBefore = await server.CollectGarbageAsync();
        var before = server.RssBytes();

        var (connections, _, errors) = await ConnectManyAsync(server, protocol, settings.IdleConnections, settings.StormConcurrency, false, null);
        try
        {
            await Task.Delay(1000);
            var heapAfter = await server.CollectGarbageAsync();
            var after = server.RssBytes();
            if (settings.HoldIdleSeconds > 0)
            {
                Console.WriteLine($"  holding {connections.Count} idle connections to {server.System} (pid {server.Pid}) for {settings.HoldIdleSeconds} s");
                await Task.Delay(TimeSpan.FromSeconds(settings.HoldIdleSeconds));
            }

            return new Metrics
            {
                ["kb_per_conn"] = (after - before) / 1024.0 / Math.Max(1, connections.Count),
                ["heap_kb_per_conn"] = (heapAfter - heapBefore) / 1024.0 / Math.Max(1, connections.Count),
                ["rss_before_mb"] = before / 1048576.0,
                ["rss_after_mb"] = after / 1048576.0,
                ["errors"] = errors,
            };
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    /// <summary>(f) polling only: acked echo latency with one request in flight.</summary>
    public static async Task<Metrics> PollingLatencyAsync(ServerProcess server, Protocol protocol, Settings settings)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var http = PollingSession.CreateClient();
        var session = await PollingSession.OpenAsync(protocol, http, server.Port, cts.Token);
        var latencies = new LatencyRecorder();
        long sequence = 0;
        async Task<long> RoundTripAsync()
        {
            var start = Stopwatch.GetTimestamp();
            var poll = session.PollAsync(cts.Token);
            await session.PostAsync(protocol.Echo(sequence++), cts.Token);
            var replies = await poll;
            while (replies == 0)
            {
                await session.AnswerPingAsync(cts.Token);
                replies = await session.PollAsync(cts.Token);
            }

            var elapsed = Stopwatch.GetTimestamp() - start;
            await session.AnswerPingAsync(cts.Token);
            return elapsed;
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < settings.Warmup)
        {
            await RoundTripAsync();
        }

        var window = Window.Start(server);
        while (clock.Elapsed < settings.Warmup + settings.Measure)
        {
            latencies.Add(await RoundTripAsync());
        }

        var (seconds, cpu) = window.Stop();
        var metrics = new Metrics
        {
            ["msg_per_s"] = latencies.Count / seconds,
            ["cpu_us_per_msg"] = cpu * 1e6 / latencies.Count,
        };
        latencies.AddPercentiles(metrics, "");
        return metrics;
    }

    /// <summary>(f) polling only: throughput, 100 acked echoes per POST, GETs until all 100 replies are back.</summary>
    public static async Task<Metrics> PollingThroughputAsync(ServerProcess server, Protocol protocol, Settings settings)
    {
        const int Batch = 100;
        using var cts = new CancellationTokenSource(Timeout);
        using var http = PollingSession.CreateClient();
        var session = await PollingSession.OpenAsync(protocol, http, server.Port, cts.Token);
        var bodies = new byte[Protocol.Slots / Batch + 1][];
        for (var b = 0; b < bodies.Length; b++)
        {
            bodies[b] = session.Batch([.. Enumerable.Range(0, Batch).Select(i => protocol.Echo((b * Batch) + i))]);
        }

        long round = 0;
        async Task RunBatchAsync()
        {
            var poll = session.PollAsync(cts.Token);
            await session.PostAsync(bodies[round++ % bodies.Length], cts.Token);
            var replies = await poll;
            while (replies < Batch)
            {
                await session.AnswerPingAsync(cts.Token);
                replies += await session.PollAsync(cts.Token);
            }

            await session.AnswerPingAsync(cts.Token);
        }

        return await RunBatchesAsync(server, settings, Batch, RunBatchAsync);
    }

    /// <summary>
    /// Runs <paramref name="batch"/> back to back through the warm-up, then through the measured window; each batch is
    /// <paramref name="messagesPerBatch"/> messages. Gives msg/s and server CPU per message.
    /// </summary>
    private static async Task<Metrics> RunBatchesAsync(ServerProcess server, Settings settings, int messagesPerBatch, Func<Task> batch)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < settings.Warmup)
        {
            await batch();
        }

        var window = Window.Start(server);
        long batches = 0;
        while (clock.Elapsed < settings.Warmup + settings.Measure)
        {
            await batch();
            batches++;
        }

        var (seconds, cpu) = window.Stop();
        var messages = batches * messagesPerBatch;
        return new Metrics
        {
            ["msg_per_s"] = messages / seconds,
            ["cpu_us_per_msg"] = cpu * 1e6 / messages,
        };
    }

    /// <summary>Opens <paramref name="count"/> connections, <paramref name="concurrency"/> at a time.</summary>
    public static async Task<(List<WsConnection> Connections, LatencyRecorder Latencies, int Errors)> ConnectManyAsync(
        ServerProcess server, Protocol protocol, int count, int concurrency, bool viaPolling, HttpClient? http)
    {
        var connections = new List<WsConnection>(count);
        var latencies = new LatencyRecorder();
        var errors = 0;
        var next = -1;
        using var cts = new CancellationTokenSource(Timeout);

        async Task WorkerAsync()
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    var connection = await ConnectOneAsync(server.Port, protocol, viaPolling, http, cts.Token);
                    var elapsed = Stopwatch.GetTimestamp() - start;
                    lock (connections)
                    {
                        connections.Add(connection);
                        latencies.Add(elapsed);
                    }
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    if (Interlocked.Increment(ref errors) <= 3)
                    {
                        Console.Error.WriteLine($"  connect failed ({server.System}): {exception.GetType().Name}: {exception.Message}");
                    }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync)));
        return (connections, latencies, errors);
    }

    private static async Task<WsConnection> ConnectOneAsync(int port, Protocol protocol, bool viaPolling, HttpClient? http, CancellationToken cancellationToken)
    {
        if (!viaPolling)
        {
            return await WsConnection.ConnectAsync(protocol, port, cancellationToken);
        }

        if (protocol is SignalRProtocol)
        {
            var token = await PollingSession.NegotiateAsync(http!, port, cancellationToken);
            return await WsConnection.ConnectAsync(protocol, port, cancellationToken, token);
        }

        var session = await PollingSession.OpenAsync(protocol, http!, port, cancellationToken);
        return await WsConnection.UpgradeAsync(port, session.Id, cancellationToken);
    }
}

/// <summary>A measured window: wall time and the server's CPU time between Start and Stop.</summary>
public readonly struct Window
{
    private readonly ServerProcess _server;
    private readonly long _start;
    private readonly double _cpu;

    private Window(ServerProcess server)
    {
        _server = server;
        _cpu = server.CpuSeconds();
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>Set BENCH_ANNOUNCE_WINDOWS=1 to print "window-start" as each window opens (profile.sh waits for it).</summary>
    private static readonly bool s_announce = Environment.GetEnvironmentVariable("BENCH_ANNOUNCE_WINDOWS") == "1";

    public static Window Start(ServerProcess server)
    {
        if (s_announce)
        {
            Console.WriteLine($"window-start {server.Pid}");
        }

        return new(server);
    }

    public (double Seconds, double CpuSeconds) Stop() =>
        (Stopwatch.GetElapsedTime(_start).TotalSeconds, _server.CpuSeconds() - _cpu);
}

/// <summary>Durations in Stopwatch ticks; percentiles in microseconds.</summary>
public sealed class LatencyRecorder
{
    private readonly List<long> _ticks = [];

    public int Count => _ticks.Count;

    public void Add(long ticks) => _ticks.Add(ticks);

    public double Percentile(double p)
    {
        if (_ticks.Count == 0)
        {
            return double.NaN;
        }

        _ticks.Sort();
        var index = (int)Math.Min(_ticks.Count - 1, Math.Ceiling(p * _ticks.Count) - 1);
        return _ticks[Math.Max(0, index)] * 1e6 / Stopwatch.Frequency;
    }

    public void AddPercentiles(Metrics metrics, string prefix)
    {
        metrics[prefix + "p50_us"] = Percentile(0.50);
        metrics[prefix + "p99_us"] = Percentile(0.99);
    }
}
