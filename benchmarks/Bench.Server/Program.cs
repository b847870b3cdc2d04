using System.Runtime;
using Bench.Server;

// Usage: Bench.Server <typed|signalr|rawws> --port N
// Serves one system on http://127.0.0.1:N with the benchmark workloads, plus two control endpoints that every system
// (and benchmarks/js/server.mjs) has: GET /__bench/ping (ready check) and GET /__bench/gc (full GC before a memory read).
if (args.Length < 1 || args[0] is not ("typed" or "signalr" or "rawws"))
{
    Console.Error.WriteLine("usage: Bench.Server <typed|signalr|rawws> --port N");
    return 2;
}

var system = args[0];
var port = 5000;
for (var i = 1; i < args.Length - 1; i++)
{
    if (args[i] == "--port")
    {
        port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxConcurrentConnections = null);
builder.Logging.ClearProviders();

switch (system)
{
    case "typed": TypedApp.AddServices(builder.Services); break;
    case "signalr": SignalRApp.AddServices(builder.Services); break;
    default: RawWebSocketApp.AddServices(builder.Services); break;
}

var app = builder.Build();
app.MapGet("/__bench/ping", () => Results.Text(system));
app.MapGet("/__bench/gc", () =>
{
    GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    return Results.Text($"{GC.GetTotalMemory(false)}");
});

switch (system)
{
    case "typed": TypedApp.Map(app); break;
    case "signalr": SignalRApp.Map(app); break;
    default: RawWebSocketApp.Map(app); break;
}

app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"ready {system} {port} gc={(GCSettings.IsServerGC ? "server" : "workstation")} cpus={Environment.ProcessorCount}"));
app.Run();
return 0;
