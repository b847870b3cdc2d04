using Chat.Server;

// Usage: dotnet run --project samples/Chat/Chat.Server [-- --port 5000] [--redis host:port] [--telemetry]
//   PORT=5000 also sets the port (default 5000).
//   --redis: several chat servers share one Redis and their users see each other (docs/redis.md).
//   --telemetry (or CHAT_TELEMETRY=1) exports Typed's metrics and traces: to the console, or by OTLP when
//   OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/telemetry.md).
var port = ReadOption(args, "--port") is { } portText && int.TryParse(portText, out var fromArgs) ? fromArgs
    : int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var fromEnvironment) ? fromEnvironment : 5000;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddChat();
if (args.Contains("--telemetry") || Environment.GetEnvironmentVariable("CHAT_TELEMETRY") == "1")
{
    builder.Services.AddChatTelemetry();
}

if (ReadOption(args, "--redis") is { } redis)
{
    builder.Services.AddSocketIORedis(options => options.Configuration = redis);
}

var app = builder.Build();
app.MapChat();
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
    {
        Console.WriteLine($"Chat server listening on {address} (open it in a browser; Socket.IO namespace {ChatServerApp.Namespace}; Ctrl+C stops)");
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
