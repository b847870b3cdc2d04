using ConformanceServer;
using Typed.SocketIO;

// Usage: dotnet run --project samples/ConformanceServer -- --port 3000 [--parser msgpack] [--recovery [--recovery-window ms]]   (or PORT=3000; default 3000)
var port = ReadOption(args, "--port") is { } portText && int.TryParse(portText, out var fromArgs) ? fromArgs
    : int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var fromEnvironment) ? fromEnvironment : 3000;
var parser = ReadOption(args, "--parser") == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
builder.Services.AddEngineIO(options => ConformanceSettings.Apply(options));
var recovery = ConformanceRecovery.FromArguments(args);
builder.Services.AddSocketIO(options =>
{
    SocketIOApp.ConfigureOptions(options, parser);
    options.ConnectionStateRecovery = recovery;
});

var app = builder.Build();
app.UseCors();
app.MapEngineIO("/engine.io", new EchoHandler());
app.MapSocketIO("/socket.io");
SocketIOApp.Configure(app.Services.GetRequiredService<SocketIOServer>());
ConformanceRecovery.Configure(app.Services.GetRequiredService<SocketIOServer>(), port.ToString(System.Globalization.CultureInfo.InvariantCulture));
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
    {
        Console.WriteLine($"Conformance server listening on {address} (Engine.IO at /engine.io/, Socket.IO at /socket.io/, parser {parser})");
    }
});
app.Run();

static string? ReadOption(string[] args, string name)
{
    for (var i = 0; i < args.Length - 1; i++)
    {
        if (args[i] == name)
        {
            return args[i + 1];
        }
    }

    return null;
}
