// The package smoke's server: a typed hub on "/", Kestrel on 127.0.0.1 port 0. Prints "listening <url>" once it
// listens, and runs until SIGTERM or Ctrl+C.
using PackageSmoke;
using Typed.SocketIO;

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSocketIO(o => o.UseJson(SmokeJson.Default));

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
