using System.Diagnostics;
using System.Globalization;
using Bench.LoadGen;
using Bench.LoadGen.ClientTrack;

// Bench.LoadGen — runs every workload against every system in one go; started by benchmarks/run.sh, pinned to the client cores.
//   --quick                 ~2 minute smoke run (1 repetition, short windows, fewer connections)
//   --reps N                repetitions (default 3, quick 1)
//   --systems typed,node,…  subset of typed,node,signalr,rawws
//   --workloads a,b1,…      subset of a,b1,b2,b3,c,d,e,f, or cluster (optional, not in the default set: two Typed
//                           servers vs two Node servers on one Redis; needs redis-server and tests/js/node_modules)
//   --no-client-track       skip the client track
//   --server-env K=V        an environment variable for every server process (repeatable), for experiments
//   --hold-idle S           keep the idle connections of (e) open S seconds after measuring (for dotnet-gcdump)
//   --server-cores LIST     the cpu list (taskset -c) every server runs on, e.g. 0 or 0-3 (default 0)
//   --client-cores LIST     the cpu list of the load generator and the Node client, e.g. 1 or 4-7 (default 1); run.sh
//                           pins this process with it, this process pins the Node client with it
//   --root DIR              the benchmarks folder (default: found from this assembly's location)
var options = args.ToList();
string? Option(string name) => options.IndexOf(name) is var i and >= 0 && i + 1 < options.Count ? options[i + 1] : null;
var settings = options.Contains("--quick") ? Settings.QuickRun : Settings.Full;
if (Option("--hold-idle") is { } hold)
{
    settings = settings with { HoldIdleSeconds = int.Parse(hold, CultureInfo.InvariantCulture) };
}

if (Option("--server-cores") is { } serverCores)
{
    settings = settings with { ServerCores = serverCores };
}

if (Option("--client-cores") is { } clientCores)
{
    settings = settings with { ClientCores = clientCores };
}

if (Option("--reps") is { } reps)
{
    settings = settings with { Repetitions = int.Parse(reps, CultureInfo.InvariantCulture) };
}

var systems = Option("--systems")?.Split(',') ?? Report.Systems;
var workloads = (Option("--workloads") ?? "a,b1,b2,b3,c,d,e,f").Split(',').ToHashSet();
var clientTrack = !options.Contains("--no-client-track");
var serverEnvironment = new Dictionary<string, string>();
for (var i = 0; i < options.Count - 1; i++)
{
    if (options[i] == "--server-env" && options[i + 1].Split('=', 2) is [var name, var value])
    {
        serverEnvironment[name] = value;
    }
}

var root = Option("--root") ?? FindRoot();
var paths = new Paths(
    root,
    Path.Combine(root, "Bench.Server", "bin", "Release", "net10.0", "Bench.Server.dll"),
    Path.Combine(root, "js"),
    Option("--out") ?? Path.Combine(root, "results"));

var started = DateTime.UtcNow;
var clock = Stopwatch.StartNew();
// Below the ephemeral range (32768+), so no client connection holds a server's port.
var port = 20000 + (Environment.ProcessId % 1000 * 10);
var runs = new List<Run>();
var clientRuns = new List<Run>();

void Progress(string text) => Console.WriteLine($"[{clock.Elapsed:mm\\:ss}] {text}");

string Summary(Metrics m) => string.Join("  ", m.Where(kv => kv.Key != "errors" || kv.Value > 0).Select(kv => $"{kv.Key}={Report.Format(kv.Value)}"));

async Task<ServerProcess> StartAsync(string system, IReadOnlyDictionary<string, string>? extraEnvironment = null)
{
    for (var attempt = 1; ; attempt++)
    {
        try
        {
            var environment = new Dictionary<string, string>(serverEnvironment);
            foreach (var (name, value) in extraEnvironment ?? new Dictionary<string, string>())
            {
                environment[name] = value;
            }

            return await ServerProcess.StartAsync(system, port++, paths, settings.ServerCores, environment);
        }
        catch (InvalidOperationException exception) when (attempt < 3)
        {
            Progress($"  {system}: {exception.Message}; retrying on another port");
        }
    }
}

async Task WarmUpAsync(ServerProcess server, Protocol protocol)
{
    try
    {
        await Workloads.WarmUpAsync(server, protocol, settings);
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        Progress($"  {server.System,-8} warm-up failed: {exception.GetType().Name}: {exception.Message}");
    }
}

async Task Measure(int rep, string system, string workload, Func<Task<Metrics>> run, List<Run> into)
{
    try
    {
        var metrics = await run();
        into.Add(new Run(rep, system, workload, metrics));
        Progress($"  {system,-8} {workload,-7} {Summary(metrics)}");
    }
    catch (Exception exception) when (exception is not OutOfMemoryException)
    {
        Progress($"  {system,-8} {workload,-7} FAILED: {exception.GetType().Name}: {exception.Message}");
    }
}

Progress($"{(settings.Quick ? "quick" : "full")} run: systems {string.Join(",", systems)}; workloads {string.Join(",", workloads)}; {settings.Repetitions} repetition(s); results to {paths.Results}");
for (var rep = 1; rep <= settings.Repetitions; rep++)
{
    // Interleaved: each repetition starts with a different system.
    var order = systems.Skip((rep - 1) % systems.Length).Concat(systems.Take((rep - 1) % systems.Length)).ToArray();
    foreach (var system in order)
    {
        if (!workloads.Overlaps(["a", "b1", "b2", "b3", "c", "d", "e", "f"]))
        {
            break;
        }

        var protocol = Protocol.For(system);
        var polling = system != "rawws";
        Progress($"repetition {rep}/{settings.Repetitions} · {system}");
        using (var server = await StartAsync(system))
        {
            await WarmUpAsync(server, protocol);
            if (workloads.Contains("a"))
            {
                await Measure(rep, system, "a", () => Workloads.EchoAsync(server, protocol, settings, window: 1), runs);
            }

            if (workloads.Contains("b1"))
            {
                await Measure(rep, system, "b1", () => Workloads.EchoAsync(server, protocol, settings, window: 100), runs);
            }

            if (workloads.Contains("b2"))
            {
                await Measure(rep, system, "b2", () => Workloads.FireAndForgetAsync(server, protocol, settings), runs);
            }

            if (workloads.Contains("b3"))
            {
                await Measure(rep, system, "b3", () => Workloads.ServerEmitsAsync(server, protocol, settings), runs);
            }

            if (workloads.Contains("f") && polling)
            {
                await Measure(rep, system, "f-lat", () => Workloads.PollingLatencyAsync(server, protocol, settings), runs);
                await Measure(rep, system, "f-tput", () => Workloads.PollingThroughputAsync(server, protocol, settings), runs);
            }

            if (workloads.Contains("d"))
            {
                await Measure(rep, system, "d-ws", () => Workloads.StormAsync(server, protocol, settings, viaPolling: false), runs);
                if (polling)
                {
                    await Measure(rep, system, "d-poll", () => Workloads.StormAsync(server, protocol, settings, viaPolling: true), runs);
                }
            }

            if (workloads.Contains("c"))
            {
                var connections = new List<WsConnection>();
                try
                {
                    for (var i = 0; i < settings.BroadcastClients.Length; i++)
                    {
                        var target = settings.BroadcastClients[i];
                        var (added, _, errors) = await Workloads.ConnectManyAsync(server, protocol, target - connections.Count, settings.StormConcurrency, false, null);
                        connections.AddRange(added);
                        if (errors > 0)
                        {
                            Progress($"  {system,-8} c: {errors} connections failed; broadcasting to {connections.Count}");
                        }

                        await Measure(rep, system, $"c{i + 1}", () => Workloads.BroadcastAsync(server, protocol, settings, connections), runs);
                    }
                }
                finally
                {
                    connections.ForEach(c => c.Dispose());
                }
            }
        }

        if (workloads.Contains("e"))
        {
            // A fresh process, so the baseline is not inflated by the other workloads' garbage.
            using var server = await StartAsync(system);
            await Measure(rep, system, "e", () => Workloads.IdleMemoryAsync(server, protocol, settings), runs);
        }
    }
}

if (workloads.Contains("cluster"))
{
    var clusterRuns = new List<Run>();
    for (var rep = 1; rep <= settings.Repetitions; rep++)
    {
        foreach (var system in rep % 2 == 1 ? new[] { "typed", "node" } : ["node", "typed"])
        {
            Progress($"cluster {rep}/{settings.Repetitions} · {system}: 2 servers, 1 Redis, {settings.BroadcastClients[0]:N0} clients");
            await Measure(rep, system + "-cluster", "cluster", () => ClusterWorkload.RunAsync(system, StartAsync, settings, Progress), clusterRuns);
        }
    }

    double Median(string system, string metric)
    {
        var values = clusterRuns.Where(r => r.System == system && r.Metrics.ContainsKey(metric)).Select(r => r.Metrics[metric]).Order().ToList();
        return values.Count == 0 ? double.NaN : values[values.Count / 2];
    }

    var typedRate = Median("typed-cluster", "deliveries_per_s");
    var nodeRate = Median("node-cluster", "deliveries_per_s");
    var typedCpu = Median("typed-cluster", "cpu_us_per_delivery");
    var nodeCpu = Median("node-cluster", "cpu_us_per_delivery");
    Progress($"cluster (median of {settings.Repetitions}): typed {Report.Format(typedRate)} deliveries/s, {Report.Format(typedCpu)} µs CPU/delivery; node {Report.Format(nodeRate)} deliveries/s, {Report.Format(nodeCpu)} µs CPU/delivery");
    Progress($"cluster ratios typed/node: deliveries/s ×{typedRate / nodeRate:0.00}, server CPU per delivery ×{typedCpu / nodeCpu:0.00} (lower is better)");
}

if (clientTrack && workloads.Overlaps(["a", "b1", "b2", "b3", "c", "d", "e", "f"]))
{
    for (var rep = 1; rep <= settings.Repetitions; rep++)
    {
        foreach (var serverSystem in new[] { "typed", "signalr" })
        {
            Progress($"client track {rep}/{settings.Repetitions} · {serverSystem} server");
            using var server = await StartAsync(serverSystem);
            await WarmUpAsync(server, Protocol.For(serverSystem));
            foreach (var workload in new[] { "a", "b1" })
            {
                foreach (var entry in ClientTrackRunner.DotNetClients.Where(c => c.Server == serverSystem))
                {
                    await Measure(rep, $"{entry.Name} → {serverSystem}", workload, () => ClientTrackRunner.RunDotNetAsync(entry, server, settings, workload), clientRuns);
                }

                if (serverSystem == "typed")
                {
                    await Measure(rep, $"{ClientTrackRunner.NodeClientName} → {serverSystem}", workload, () => ClientTrackRunner.RunNodeAsync(server, settings, workload, paths, settings.ClientCores), clientRuns);
                }
            }
        }
    }
}

if (runs.Count == 0 && clientRuns.Count == 0)
{
    // Only the cluster workload ran: its figures are printed above, and the committed results are left alone.
    Progress($"done in {clock.Elapsed:mm\\:ss}");
    return 0;
}

Report.Write(paths.Results, settings, runs, clientRuns, started, clock.Elapsed);
Progress($"done in {clock.Elapsed:mm\\:ss}: {Path.Combine(paths.Results, "results.md")} and results.json");
Console.WriteLine();
Console.WriteLine(File.ReadAllText(Path.Combine(paths.Results, "results.md")));
return 0;

static string FindRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (Directory.Exists(Path.Combine(directory.FullName, "Bench.Server")) && Directory.Exists(Path.Combine(directory.FullName, "js")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("cannot find the benchmarks folder; pass --root");
}
