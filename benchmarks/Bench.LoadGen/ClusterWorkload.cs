using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Bench.LoadGen;

/// <summary>
/// The cluster workload: two servers of one system on one Redis (the Node socket.io servers with
/// @socket.io/redis-adapter 8.3.0 in classic mode, the Typed servers with Typed.SocketIO.Redis in classic mode), half
/// of N WebSocket clients on each; one client asks its server to broadcast the payload (the <c>bcast</c> handler), and a
/// round ends when every client of both servers has its copy. Deliveries/s, and the CPU of both servers (both pinned
/// to the server core) per delivery. Redis is a fresh <c>redis-server</c> per system, pinned to the same core as the
/// load generator (so it competes with the clients, equally for both systems).
/// </summary>
public static class ClusterWorkload
{
    /// <summary>Broadcast rounds run before measuring (see MeasureAsync).</summary>
    private const int WarmupRounds = 300;

    public static async Task<Metrics> RunAsync(string system, Func<string, IReadOnlyDictionary<string, string>, Task<ServerProcess>> startServer, Settings settings, Action<string> progress)
    {
        var redisPort = FreePort();
        using var redis = StartRedis(redisPort);
        await WaitForRedisAsync(redisPort);
        var environment = new Dictionary<string, string> { ["BENCH_REDIS"] = $"127.0.0.1:{redisPort}" };
        using var first = await startServer(system, environment);
        using var second = await startServer(system, environment);
        var protocol = Protocol.For(system);
        await Workloads.WarmUpAsync(first, protocol, settings);
        await Workloads.WarmUpAsync(second, protocol, settings);

        var clients = settings.BroadcastClients[0];
        var connections = new List<WsConnection>();
        try
        {
            foreach (var server in new[] { first, second })
            {
                var (added, _, errors) = await Workloads.ConnectManyAsync(server, protocol, clients / 2, settings.StormConcurrency, false, null);
                connections.AddRange(added);
                if (errors > 0)
                {
                    progress($"  {system}-cluster: {errors} connections failed on port {server.Port}");
                }
            }

            return await MeasureAsync([first, second], protocol, settings, connections);
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
        }
    }

    private static async Task<Metrics> MeasureAsync(ServerProcess[] servers, Protocol protocol, Settings settings, List<WsConnection> connections)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var target = connections.Count;
        var broadcast = new BroadcastRounds(connections, protocol, cts.Token);

        // Warm-up: at least WarmupRounds rounds (at most 30 s), not just settings.Warmup. perf on the quick run's 0.5 s
        // warm-up found about 60% of the Typed servers' CPU in the measured second in the runtime's tiered-compilation
        // thread: the cluster path (Redis publish and receive, the adapter's decoding) had not reached tier 1, so the
        // run measured the JIT. BENCH_CLUSTER_WARMUP_ROUNDS overrides the count (3 was the old minimum), for A/B runs.
        var warmupRounds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_CLUSTER_WARMUP_ROUNDS"), out var configured) ? configured : WarmupRounds;
        var clock = Stopwatch.StartNew();
        for (var i = 0; (i < warmupRounds || clock.Elapsed < settings.Warmup) && clock.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            await broadcast.RunAsync();
        }

        var cpuBefore = servers.Sum(s => s.CpuSeconds());
        var started = Stopwatch.GetTimestamp();
        var rounds = new LatencyRecorder();
        clock.Restart();
        while (rounds.Count < 5 || clock.Elapsed < settings.Measure)
        {
            rounds.Add(await broadcast.RunAsync());
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = servers.Sum(s => s.CpuSeconds()) - cpuBefore;
        var deliveries = (double)rounds.Count * target;
        return new Metrics
        {
            ["clients"] = target,
            ["deliveries_per_s"] = deliveries / seconds,
            ["cpu_us_per_delivery"] = cpu * 1e6 / deliveries,
            ["last_receipt_p50_ms"] = rounds.Percentile(0.5) / 1000,
        };
    }

    private static RedisProcess StartRedis(int port)
    {
        var start = new ProcessStartInfo("taskset") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", "1", "redis-server", "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RedisProcess(process);
    }

    private static async Task WaitForRedisAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills redis-server when the workload ends (Process.Dispose alone would leave it running).</summary>
    private sealed class RedisProcess(Process process) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }
    }
}
