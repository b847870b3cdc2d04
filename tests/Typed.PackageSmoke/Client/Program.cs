// The package smoke's client: connects to the server given as its argument, calls "greet" through the generated
// proxy (acknowledged), receives "greeted" through the generated binder, prints both as one JSON line and exits 0 —
// or prints why not and exits 1.
using System.Text.Json;
using PackageSmoke;
using Typed.SocketIO;
using Typed.SocketIO.Client;

if (args.Length != 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var server))
{
    Console.Error.WriteLine("usage: PackageSmoke.Client <serverUrl>");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
try
{
    await using var client = new SocketIOClient(server, o =>
    {
        o.UseJson(SmokeJson.Default);
        o.Reconnection = false;
    });
    var socket = client.Of("/");
    var receiver = new Receiver();
    using var registration = socket.Register<IGreeterClient>(receiver);
    var greeter = socket.CreateProxy<IGreeterServer>();

    await socket.ConnectAsync(timeout.Token);
    var ack = await greeter.Greet(new GreetRequest("packages", 21), timeout.Token);
    var received = await receiver.Received.Task.WaitAsync(timeout.Token);
    Console.WriteLine(JsonSerializer.Serialize(new SmokeResult(ack, received), SmokeJson.Default.SmokeResult));
    socket.Disconnect();
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine("package smoke client failed: " + ex);
    return 1;
}

internal sealed class Receiver : IGreeterClient
{
    public TaskCompletionSource<Greeting> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Greeted(Greeting greeting)
    {
        Received.TrySetResult(greeting);
        return Task.CompletedTask;
    }
}
