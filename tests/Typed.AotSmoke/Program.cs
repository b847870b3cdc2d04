// The NativeAOT smoke client: connects to a Socket.IO server that runs the interop application (tests/js/README.md),
// emits with an acknowledgement, receives an event, and exits 0 — or prints why not and exits 1.
// Usage: Typed.AotSmoke <serverUrl> [json|msgpack]
using System.Text.Json;
using Typed.SocketIO;
using Typed.SocketIO.Client;

if (args.Length < 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var server))
{
    Console.Error.WriteLine("usage: Typed.AotSmoke <serverUrl> [json|msgpack]");
    return 2;
}

var parser = args.Length > 1 && args[1] == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
try
{
    await using var client = new SocketIOClient(server, o =>
    {
        o.Parser = parser;
        o.UseJson(SmokeJson.Default);
        o.Reconnection = false;
    });
    var socket = client.Of("/", o => o.Auth = new SmokeAuth("aot-smoke"));
    var echoed = new TaskCompletionSource<SmokeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
    socket.On("message-back", e => echoed.TrySetResult(e.Arguments.GetValue(0, SmokeJson.Default.SmokeMessage)!));

    await socket.ConnectAsync(timeout.Token);

    // An emit with an acknowledgement, typed both ways through the source-generated context.
    var ack = await socket.EmitWithAckAsync("message-with-ack", [new SmokeMessage("ping", 42)], TimeSpan.FromSeconds(10), timeout.Token);
    var acked = ack.GetValue(0, SmokeJson.Default.SmokeMessage)!;

    // An event from the server.
    socket.Emit("message", new SmokeMessage("echo", 7));
    var received = await echoed.Task.WaitAsync(timeout.Token);

    if (acked != new SmokeMessage("ping", 42) || received != new SmokeMessage("echo", 7))
    {
        Console.Error.WriteLine($"unexpected values: ack {acked}, event {received}");
        return 1;
    }

    Console.WriteLine(JsonSerializer.Serialize(new SmokeResult(true, socket.Id!, client.Transport.ToString()!, acked, received), SmokeJson.Default.SmokeResult));
    socket.Disconnect();
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine("smoke client failed: " + ex);
    return 1;
}

internal sealed record SmokeAuth(string Label);

internal sealed record SmokeMessage(string Text, int Number);

internal sealed record SmokeResult(bool Ok, string SocketId, string Transport, SmokeMessage Ack, SmokeMessage Event);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SmokeAuth))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SmokeMessage))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SmokeResult))]
internal sealed partial class SmokeJson : System.Text.Json.Serialization.JsonSerializerContext;
