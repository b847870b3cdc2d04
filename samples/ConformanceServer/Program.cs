using ConformanceServer;

// Usage: dotnet run --project samples/ConformanceServer -- --port 3000   (or PORT=3000; default 3000)
var port = ReadPort(args) ?? 3000;
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()));
builder.Services.AddEngineIO(options =>
{
    options.PingInterval = TimeSpan.FromMilliseconds(300);
    options.PingTimeout = TimeSpan.FromMilliseconds(200);
    options.MaxHttpBufferSize = 1_000_000;
    options.AllowAnyOrigin = true;
});

var app = builder.Build();
app.UseCors();
app.MapEngineIO("/engine.io", new EchoHandler());
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
    {
        Console.WriteLine($"Conformance server listening on {address} (Engine.IO at /engine.io/)");
    }
});
app.Run();

static int? ReadPort(string[] args)
{
    for (var i = 0; i < args.Length - 1; i++)
    {
        if (args[i] == "--port" && int.TryParse(args[i + 1], out var fromArgs))
        {
            return fromArgs;
        }
    }

    return int.TryParse(Environment.GetEnvironmentVariable("PORT"), out var fromEnvironment) ? fromEnvironment : null;
}
