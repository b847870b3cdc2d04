using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Bench.LoadGen.ClientTrack;

/// <summary>
/// The client track: client libraries against one server each — the Socket.IO clients against Typed's server, the
/// SignalR client against the SignalR hub — with the hand-built frames of the load generator as the baseline on both.
/// Workloads (a) and (b1); client CPU per message is the figure that compares the libraries.
/// </summary>
public static class ClientTrackRunner
{
    /// <summary>The .NET clients: each is one file implementing <see cref="IBenchClient"/> and one line here.</summary>
    public static IReadOnlyList<ClientEntry> DotNetClients { get; } =
    [
        new("hand-built frames (.NET)", "typed", () => new HandBuiltBenchClient(SocketIOProtocol.Instance)),
        new("Typed .NET client", "typed", () => new TypedBenchClient()),
        new("hand-built frames (.NET)", "signalr", () => new HandBuiltBenchClient(SignalRProtocol.Instance)),
        new("SignalR .NET client 10", "signalr", () => new SignalRBenchClient()),
    ];

    /// <summary>Node's socket.io-client, run by benchmarks/js/client-bench.mjs on the load generator's core.</summary>
    public const string NodeClientName = "socket.io-client 4.8 (Node)";

    public static async Task<Metrics> RunDotNetAsync(ClientEntry entry, ServerProcess server, Settings settings, string workload)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var client = entry.Create();
        await client.ConnectAsync(server.Port, cts.Token);
        var window = workload == "a" ? 1 : 100;
        var latencies = new LatencyRecorder();
        var measuring = false;
        var stop = false;
        long count = 0;

        async Task LoopAsync()
        {
            while (!Volatile.Read(ref stop))
            {
                var start = Stopwatch.GetTimestamp();
                await client.EchoAsync(cts.Token);
                if (Volatile.Read(ref measuring))
                {
                    var elapsed = Stopwatch.GetTimestamp() - start;
                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                        count++;
                    }
                }
            }
        }

        var loops = Enumerable.Range(0, window).Select(_ => Task.Run(LoopAsync)).ToArray();
        await Task.Delay(settings.Warmup);
        var serverWindow = Window.Start(server);
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        Volatile.Write(ref measuring, true);
        await Task.Delay(settings.Measure);
        Volatile.Write(ref measuring, false);
        long measured;
        lock (latencies)
        {
            measured = count;
        }

        var clientSeconds = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds;
        var (seconds, cpu) = serverWindow.Stop();
        Volatile.Write(ref stop, true);
        await Task.WhenAll(loops).WaitAsync(cts.Token);
        var metrics = new Metrics
        {
            ["msg_per_s"] = measured / seconds,
            ["client_cpu_us_per_msg"] = clientSeconds * 1e6 / measured,
            ["cpu_us_per_msg"] = cpu * 1e6 / measured,
        };
        latencies.AddPercentiles(metrics, "");
        return metrics;
    }

    /// <summary>
    /// Runs client-bench.mjs pinned to <paramref name="clientCore"/>: it prints "start" when its measured window opens
    /// and "end {json}" when it closes; the server's CPU is read at those two lines.
    /// </summary>
    public static async Task<Metrics> RunNodeAsync(ServerProcess server, Settings settings, string workload, Paths paths, string clientCore)
    {
        var start = new ProcessStartInfo("taskset")
        {
            WorkingDirectory = paths.Js,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-c", clientCore, "node", "client-bench.mjs", "--port", server.Port.ToString(CultureInfo.InvariantCulture),
            "--workload", workload,
            "--warmup", settings.Warmup.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
            "--measure", settings.Measure.TotalMilliseconds.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        var errors = process.StandardError.ReadToEndAsync();
        Window? window = null;
        double seconds = 0, cpu = 0;
        JsonElement? result = null;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line == "start")
            {
                window = Window.Start(server);
            }
            else if (line.StartsWith("end ", StringComparison.Ordinal) && window is { } opened)
            {
                (seconds, cpu) = opened.Stop();
                result = JsonDocument.Parse(line[4..]).RootElement.Clone();
            }
        }

        await process.WaitForExitAsync();
        if (result is not { } json)
        {
            throw new InvalidOperationException($"client-bench.mjs failed (exit {process.ExitCode}): {await errors}");
        }

        var metrics = new Metrics();
        foreach (var property in json.EnumerateObject())
        {
            metrics[property.Name] = property.Value.GetDouble();
        }

        metrics["cpu_us_per_msg"] = cpu * 1e6 / Math.Max(1, metrics["count"]);
        _ = seconds;
        metrics.Remove("count");
        return metrics;
    }
}
