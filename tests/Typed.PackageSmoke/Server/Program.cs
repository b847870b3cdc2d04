// The package smoke's server: a typed hub on "/", Kestrel on 127.0.0.1 port 0. Prints "listening <url>" once it
// listens, and runs until SIGTERM or Ctrl+C. Given "--redis <host:port>", it scales out on that Redis in streams mode
// with connection state recovery on: then the hub's event to its caller is a stream entry, delivered by the
// adapter's read loop, so the round trip crosses Redis through the Typed.SocketIO.Redis package.
using PackageSmoke;
using Typed.SocketIO;
using Typed.SocketIO.Redis;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var redis = builder.Configuration["redis"];
builder.Services.AddSocketIO(o =>
{
    o.UseJson(SmokeJson.Default);
    if (redis is not null)
    {
        // With recovery on, a socket's own emits go through the adapter (a broadcast to its room), as in socket.io.
        o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions();
    }
});
if (redis is not null)
{
    builder.Services.AddSocketIORedis(o =>
    {
        o.Configuration = redis;
        o.Mode = SocketIORedisMode.Streams;
    });
}

var app = builder.Build();
app.MapSocketIO();
app.MapSocketHub<GreeterHub>("/");

await app.StartAsync();
Console.WriteLine("listening " + app.Urls.Single());
await app.WaitForShutdownAsync();

/// <summary>The hub: answers "greet" with an event to the caller, then the acknowledgement.</summary>
public sealed class GreeterHub : SocketHub<IGreeterClient>, IGreeterServer
{
    public async Task<Greeting> Greet(GreetRequest request, CancellationToken cancellationToken)
    {
        var greeting = new Greeting($"hello {request.Name}", request.Number * 2);
        await Clients.Caller.Greeted(greeting);
        return greeting;
    }
}
