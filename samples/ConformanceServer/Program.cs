using ConformanceServer;
using Typed.SocketIO;
using Typed.SocketIO.Redis;

// Usage: dotnet run --project samples/ConformanceServer -- --port 3000 [--parser json|msgpack]
//            [--redis host:port [--redis-mode classic|sharded|streams]] [--recovery [--recovery-window ms]]
//            (or PORT=3000; default 3000)
// With --redis the server joins a cluster through that Redis; --recovery turns connection state recovery on
// (docs/protocol/cluster-app.md). An unknown option or value exits with code 2 and a message.
var port = int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var fromEnvironment) ? fromEnvironment : 3000;
var parser = SocketIOParser.Json;
string? redis = null;
var redisMode = SocketIORedisMode.Classic;
var recovery = false;
var recoveryWindow = 120_000;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--port" when int.TryParse(value, out var fromArgs) && fromArgs is >= 0 and <= 65535:
            port = fromArgs;
            break;
        case "--parser" when value is "json" or "msgpack":
            parser = value == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
            break;
        case "--redis" when !string.IsNullOrEmpty(value):
            redis = value;
            break;
        case "--redis-mode" when value is "classic":
            redisMode = SocketIORedisMode.Classic;
            break;
        case "--redis-mode" when value is "sharded":
            redisMode = SocketIORedisMode.Sharded;
            break;
        case "--redis-mode" when value is "streams":
            redisMode = SocketIORedisMode.Streams;
            break;
        case "--recovery":
            recovery = true;
            continue; // a flag: no value to skip
        case "--recovery-window" when int.TryParse(value, out var window) && window > 0:
            recoveryWindow = window;
            break;
        default:
            return Fail($"unknown option or invalid value: {args[i]} {value}");
    }

    i++;
}

var builder = WebApplication.CreateSlimBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
builder.Services.AddEngineIO(options => ConformanceSettings.Apply(options));
builder.Services.AddSocketIO(options =>
{
    SocketIOApp.ConfigureOptions(options, parser);
    options.ConnectionStateRecovery = ConformanceRecovery.Options(recovery, recoveryWindow);
});
if (redis is not null)
{
    // A cluster member keeps socket.io's default heartbeat rather than the conformance suites' 300/200 ms: cluster
    // scenarios run on loaded machines and are not about heartbeats (tests/js/cluster-member.mjs does the same).
    builder.Services.PostConfigure<SocketIOOptions>(ClusterApp.ApplyHeartbeat);
    builder.Services.AddSocketIORedis(options =>
    {
        options.Configuration = redis;
        options.Mode = redisMode;
    });
}

var app = builder.Build();
app.UseCors();
app.MapEngineIO("/engine.io", new EchoHandler());
app.MapSocketIO("/socket.io");
var io = app.Services.GetRequiredService<SocketIOServer>();
SocketIOApp.Configure(io);
ClusterApp.Configure(io, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
    {
        Console.WriteLine($"Conformance server listening on {address} (Engine.IO at /engine.io/, Socket.IO at /socket.io/, parser {parser}{(redis is null ? "" : $", Redis {redis} {redisMode}")})");
    }
});
app.Run();
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    Console.Error.WriteLine("usage: ConformanceServer [--port P] [--parser json|msgpack] [--redis host:port] [--redis-mode classic|sharded|streams] [--recovery [--recovery-window ms]]");
    return 2;
}
