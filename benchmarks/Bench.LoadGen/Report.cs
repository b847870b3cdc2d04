using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bench.LoadGen;

/// <summary>One workload run: repetition, system (or client@server), workload id and its figures.</summary>
public sealed record Run(int Repetition, string System, string Workload, Metrics Metrics);

/// <summary>Medians over repetitions, results.json and results.md.</summary>
public static class Report
{
    public static readonly string[] Systems = ["typed", "node", "signalr", "rawws"];

    private static readonly Dictionary<string, string> SystemNames = new()
    {
        ["typed"] = "Typed",
        ["node"] = "Node socket.io 4.8",
        ["signalr"] = "SignalR 10",
        ["rawws"] = "raw WebSocket",
    };

    /// <summary>The rows of the main table: workload, metric, label, whether higher is better.</summary>
    private static readonly (string Workload, string Metric, string Label, bool HigherIsBetter)[] Rows =
    [
        ("a", "p50_us", "(a) latency, 1 in flight — p50 µs", false),
        ("a", "p99_us", "(a) latency, 1 in flight — p99 µs", false),
        ("a", "cpu_us_per_msg", "(a) server CPU µs/msg", false),
        ("b1", "msg_per_s", "(b1) acked echo, 100 in flight — msg/s", true),
        ("b1", "cpu_us_per_msg", "(b1) server CPU µs/msg", false),
        ("b2", "msg_per_s", "(b2) fire-and-forget ×1000 + barrier — msg/s", true),
        ("b2", "cpu_us_per_msg", "(b2) server CPU µs/msg", false),
        ("b3", "msg_per_s", "(b3) server→client emits, 1000/request — msg/s", true),
        ("b3", "cpu_us_per_msg", "(b3) server CPU µs/msg", false),
        ("c1", "last_receipt_p50_ms", "(c) broadcast to {c1} — ms to last receipt (p50)", false),
        ("c1", "deliveries_per_s", "(c) broadcast to {c1} — deliveries/s", true),
        ("c1", "cpu_us_per_delivery", "(c) broadcast to {c1} — server CPU µs/delivery", false),
        ("c2", "last_receipt_p50_ms", "(c) broadcast to {c2} — ms to last receipt (p50)", false),
        ("c2", "deliveries_per_s", "(c) broadcast to {c2} — deliveries/s", true),
        ("c2", "cpu_us_per_delivery", "(c) broadcast to {c2} — server CPU µs/delivery", false),
        ("d-ws", "conn_per_s", "(d) storm, WebSocket — connections/s", true),
        ("d-ws", "connect_p99_us", "(d) storm, WebSocket — connect p99 µs", false),
        ("d-ws", "cpu_us_per_conn", "(d) storm, WebSocket — server CPU µs/conn", false),
        ("d-poll", "conn_per_s", "(d) storm, polling + upgrade — connections/s", true),
        ("d-poll", "cpu_us_per_conn", "(d) storm, polling + upgrade — server CPU µs/conn", false),
        ("e", "kb_per_conn", "(e) memory per idle WebSocket connection — KB", false),
        ("f-lat", "p50_us", "(f) polling latency, 1 in flight — p50 µs", false),
        ("f-lat", "p99_us", "(f) polling latency, 1 in flight — p99 µs", false),
        ("f-tput", "msg_per_s", "(f) polling throughput, 100/POST — msg/s", true),
        ("f-tput", "cpu_us_per_msg", "(f) polling throughput — server CPU µs/msg", false),
    ];

    /// <summary>Median of each metric over the repetitions: [system][workload][metric].</summary>
    public static Dictionary<string, Dictionary<string, Metrics>> Medians(IEnumerable<Run> runs)
    {
        var medians = new Dictionary<string, Dictionary<string, Metrics>>();
        foreach (var group in runs.GroupBy(r => (r.System, r.Workload)))
        {
            var metrics = new Metrics();
            foreach (var name in group.SelectMany(r => r.Metrics.Keys).Distinct())
            {
                var values = group.Where(r => r.Metrics.ContainsKey(name)).Select(r => r.Metrics[name]).Where(v => !double.IsNaN(v)).Order().ToArray();
                if (values.Length > 0)
                {
                    metrics[name] = values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
                }
            }

            if (!medians.TryGetValue(group.Key.System, out var bySystem))
            {
                medians[group.Key.System] = bySystem = [];
            }

            bySystem[group.Key.Workload] = metrics;
        }

        return medians;
    }

    /// <summary>The lowest and highest value of each metric over the repetitions: [system][workload][metric].</summary>
    public static Dictionary<string, Dictionary<string, Dictionary<string, (double Min, double Max)>>> Spreads(IEnumerable<Run> runs)
    {
        var spreads = new Dictionary<string, Dictionary<string, Dictionary<string, (double Min, double Max)>>>();
        foreach (var group in runs.GroupBy(r => (r.System, r.Workload)))
        {
            var metrics = new Dictionary<string, (double Min, double Max)>();
            foreach (var name in group.SelectMany(r => r.Metrics.Keys).Distinct())
            {
                var values = group.Where(r => r.Metrics.ContainsKey(name)).Select(r => r.Metrics[name]).Where(double.IsFinite).ToArray();
                if (values.Length > 1)
                {
                    metrics[name] = (values.Min(), values.Max());
                }
            }

            if (!spreads.TryGetValue(group.Key.System, out var bySystem))
            {
                spreads[group.Key.System] = bySystem = [];
            }

            bySystem[group.Key.Workload] = metrics;
        }

        return spreads;
    }

    public static void Write(string directory, Settings settings, List<Run> runs, List<Run> clientRuns, DateTime started, TimeSpan elapsed)
    {
        Directory.CreateDirectory(directory);
        var medians = Medians(runs);
        var clientMedians = Medians(clientRuns);
        var machine = Machine();

        var json = new JsonObject
        {
            ["mode"] = settings.Quick ? "quick" : "full",
            ["started_utc"] = started.ToString("u", CultureInfo.InvariantCulture),
            ["elapsed_s"] = Math.Round(elapsed.TotalSeconds),
            ["machine"] = machine,
            ["settings"] = new JsonObject
            {
                ["repetitions"] = settings.Repetitions,
                ["server_cores"] = settings.ServerCores,
                ["client_cores"] = settings.ClientCores,
                ["warmup_s"] = settings.Warmup.TotalSeconds,
                ["measure_s"] = settings.Measure.TotalSeconds,
                ["broadcast_clients"] = new JsonArray([.. settings.BroadcastClients.Select(c => JsonValue.Create(c))]),
                ["storm_connections"] = settings.StormConnections,
                ["storm_concurrency"] = settings.StormConcurrency,
                ["idle_connections"] = settings.IdleConnections,
                ["payload"] = Encoding.UTF8.GetString(Protocol.Payload),
            },
            ["medians"] = ToJson(medians),
            ["client_track_medians"] = ToJson(clientMedians),
            ["runs"] = new JsonArray([.. runs.Concat(clientRuns).Select(r => (JsonNode)new JsonObject
            {
                ["repetition"] = r.Repetition,
                ["system"] = r.System,
                ["workload"] = r.Workload,
                ["metrics"] = ToJson(r.Metrics),
            })]),
        };
        File.WriteAllText(Path.Combine(directory, "results.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllText(Path.Combine(directory, "results.md"), Markdown(settings, medians, Spreads(runs), clientMedians, Spreads(clientRuns), machine, started, elapsed));
    }

    private static JsonObject ToJson(Dictionary<string, Dictionary<string, Metrics>> medians)
    {
        var json = new JsonObject();
        foreach (var (system, workloads) in medians)
        {
            var bySystem = new JsonObject();
            foreach (var (workload, metrics) in workloads)
            {
                bySystem[workload] = ToJson(metrics);
            }

            json[system] = bySystem;
        }

        return json;
    }

    private static JsonObject ToJson(Metrics metrics)
    {
        var json = new JsonObject();
        foreach (var (name, value) in metrics)
        {
            json[name] = double.IsFinite(value) ? Math.Round(value, 3) : null;
        }

        return json;
    }

    private static string Markdown(
        Settings settings,
        Dictionary<string, Dictionary<string, Metrics>> medians,
        Dictionary<string, Dictionary<string, Dictionary<string, (double Min, double Max)>>> spreads,
        Dictionary<string, Dictionary<string, Metrics>> clients,
        Dictionary<string, Dictionary<string, Dictionary<string, (double Min, double Max)>>> clientSpreads,
        JsonObject machine,
        DateTime started,
        TimeSpan elapsed)
    {
        double? Get(string system, string workload, string metric) =>
            medians.TryGetValue(system, out var w) && w.TryGetValue(workload, out var m) && m.TryGetValue(metric, out var v) ? v : null;

        // A median with the range of its repetitions beside it, so a reader sees how noisy each figure was.
        static string WithSpread(double? median, Dictionary<string, Dictionary<string, Dictionary<string, (double Min, double Max)>>> spreads, string system, string workload, string metric) =>
            median is not null && spreads.TryGetValue(system, out var w) && w.TryGetValue(workload, out var m) && m.TryGetValue(metric, out var range)
                ? $"{Format(median)} ({Format(range.Min)}–{Format(range.Max)})"
                : Format(median);

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark results ({(settings.Quick ? "quick" : "full")} run)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{started:u}, {elapsed.TotalMinutes:0.0} min · {machine["cpu"]} · {machine["cores"]} cores · .NET {Environment.Version} · Node {machine["node"]} · " +
            $"server on cores {settings.ServerCores}, load generator on cores {settings.ClientCores} · {settings.Repetitions} repetition(s), medians · measured {settings.Measure.TotalSeconds:0.#} s after {settings.Warmup.TotalSeconds:0.#} s warm-up · payload {Protocol.Payload.Length} bytes of JSON");
        md.AppendLine();
        md.AppendLine("Each cell is the median of the repetitions with their lowest and highest value in brackets. " +
            "Typed÷Node and Typed÷raw WS divide Typed's median by the other's: above 1 is better for msg/s, conn/s and deliveries/s; " +
            "below 1 is better for latencies, CPU and memory. \"server CPU\" is utime+stime of the server process over the measured window divided by the messages; its inverse is throughput per core.");
        md.AppendLine();
        md.AppendLine("| workload | Typed | Node socket.io | SignalR | raw WS | Typed÷Node | Typed÷raw WS |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var (workload, metric, label, _) in Rows)
        {
            var text = label.Replace("{c1}", settings.BroadcastClients[0].ToString("N0", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{c2}", settings.BroadcastClients[1].ToString("N0", CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var typed = Get("typed", workload, metric);
            md.Append(CultureInfo.InvariantCulture, $"| {text} ");
            foreach (var system in Systems)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {WithSpread(Get(system, workload, metric), spreads, system, workload, metric)} ");
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"| {Ratio(typed, Get("node", workload, metric))} | {Ratio(typed, Get("rawws", workload, metric))} |");
        }

        md.AppendLine();
        md.AppendLine("## Goals of the performance issue (where Typed stands; not a test)");
        md.AppendLine();
        md.AppendLine("| goal | Typed | reference | status |");
        md.AppendLine("|---|--:|--:|---|");
        void Goal(string goal, double? typed, double? reference, bool? met, string unit = "") =>
            md.AppendLine(CultureInfo.InvariantCulture, $"| {goal} | {Format(typed)}{unit} | {Format(reference)}{unit} | {Status(typed is null || reference is null ? null : met)} |");

        foreach (var (workload, label) in new[] { ("c1", $"c, {settings.BroadcastClients[0]:N0}"), ("c2", $"c, {settings.BroadcastClients[1]:N0}") })
        {
            var typedCpu = Get("typed", workload, "cpu_us_per_delivery");
            var nodeCpu = Get("node", workload, "cpu_us_per_delivery");
            var rawCpu = Get("rawws", workload, "cpu_us_per_delivery");
            Goal($"({label}) server CPU per delivery ≤ 0.6× Node's", typedCpu, nodeCpu * 0.6, typedCpu <= nodeCpu * 0.6, " µs");
            Goal($"({label}) server CPU per delivery ≤ raw WS's", typedCpu, rawCpu, typedCpu <= rawCpu, " µs");
        }

        var typedKb = Get("typed", "e", "kb_per_conn");
        Goal($"(e) ≤ 12 KB per idle WebSocket connection at {settings.IdleConnections:N0}", typedKb, 12, typedKb <= 12, " KB");
        var typedPoll = Get("typed", "d-poll", "cpu_us_per_conn");
        var signalrPoll = Get("signalr", "d-poll", "cpu_us_per_conn");
        Goal("(d) polling + upgrade: server CPU per connection ≤ SignalR's", typedPoll, signalrPoll, typedPoll <= signalrPoll, " µs");
        foreach (var workload in new[] { "b1", "b2" })
        {
            var typedCpu = Get("typed", workload, "cpu_us_per_msg");
            var nodeCpu = Get("node", workload, "cpu_us_per_msg");
            Goal($"({workload}) ≥ 2× Node per core: server CPU per message ≤ 0.5× Node's", typedCpu, nodeCpu * 0.5, typedCpu <= nodeCpu * 0.5, " µs");
        }

        var typedLatencyCpu = Get("typed", "a", "cpu_us_per_msg");
        var rawLatencyCpu = Get("rawws", "a", "cpu_us_per_msg");
        Goal("(a) server CPU per message ≤ raw WS's", typedLatencyCpu, rawLatencyCpu, typedLatencyCpu <= rawLatencyCpu, " µs");
        double? ClientCpu(string client) =>
            clients.TryGetValue(client, out var w) && w.TryGetValue("b1", out var m) && m.TryGetValue("client_cpu_us_per_msg", out var v) ? v : null;
        var typedClient = ClientCpu("Typed .NET client → typed");
        var signalrClient = ClientCpu("SignalR .NET client 10 → signalr");
        Goal("client track (b1): our .NET client's CPU per acked message ≤ 0.8× SignalR's .NET client's", typedClient, signalrClient * 0.8, typedClient <= signalrClient * 0.8, " µs");

        if (clients.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Client track (clients against one server each, WebSocket)");
            md.AppendLine();
            md.AppendLine("| client → server | (a) p50 µs | (a) p99 µs | (b1) msg/s | (b1) client CPU µs/msg | (b1) server CPU µs/msg |");
            md.AppendLine("|---|--:|--:|--:|--:|--:|");
            foreach (var (client, workloads) in clients.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                double? C(string workload, string metric) => workloads.TryGetValue(workload, out var m) && m.TryGetValue(metric, out var v) ? v : null;
                string S(string workload, string metric) => WithSpread(C(workload, metric), clientSpreads, client, workload, metric);
                md.AppendLine(CultureInfo.InvariantCulture, $"| {client} | {S("a", "p50_us")} | {S("a", "p99_us")} | {S("b1", "msg_per_s")} | {S("b1", "client_cpu_us_per_msg")} | {S("b1", "cpu_us_per_msg")} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Raw figures of every repetition are in results.json. \"—\" means the system has no such transport (raw WebSocket has no polling) or the run failed.");
        return md.ToString();
    }

    private static string Status(bool? met) => met switch { true => "met", false => "**not met**", null => "n/a" };

    private static string Ratio(double? a, double? b) =>
        a is { } x && b is { } y && y != 0 && double.IsFinite(x / y) ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) : "—";

    public static string Format(double? value) => value switch
    {
        null => "—",
        { } v when !double.IsFinite(v) => "—",
        { } v when Math.Abs(v) >= 1000 => v.ToString("N0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 100 => v.ToString("0", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 10 => v.ToString("0.0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.00", CultureInfo.InvariantCulture),
    };

    private static JsonObject Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        string node;
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
            node = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            node = "?";
        }

        return new JsonObject { ["cpu"] = cpu, ["cores"] = File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal)), ["os"] = Environment.OSVersion.ToString(), ["dotnet"] = Environment.Version.ToString(), ["node"] = node };
    }
}
