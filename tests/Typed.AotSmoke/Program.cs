// The NativeAOT smoke client: connects to a Socket.IO server that runs the interop application (tests/js/README.md),
// emits with an acknowledgement through a generated typed proxy, receives an event through a generated binder, and
// consumes a stream and sends an upload (IAsyncEnumerable<T> as a result and as an argument, docs/streaming.md) through
// the generated proxy, and exits 0 — or prints why not and exits 1.
// Usage: Typed.AotSmoke <serverUrl> [json|msgpack]
using System.Text.Json;
using Typed;
using Typed.SocketIO;
using Typed.SocketIO.Client;

if (args.Length < 1 || !Uri.TryCreate(args[0], UriKind.Absolute, out var server))
{
    Console.Error.WriteLine("usage: Typed.AotSmoke <serverUrl> [json|msgpack]");
    return 2;
}

var parser = args.Length > 1 && args[1] == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
var step = "connect";
try
{
    await using var client = new SocketIOClient(server, o =>
    {
        o.Parser = parser;
        o.UseJson(SmokeJson.Default);
        o.Reconnection = false;
    });
    var socket = client.Of("/", o => o.Auth = new SmokeAuth("aot-smoke"));
    var receiver = new SmokeReceiver();
    using var registration = socket.Register<ISmokeClient>(receiver);
    var smoke = socket.CreateProxy<ISmokeServer>();

    await socket.ConnectAsync(timeout.Token);

    step = "emit with ack";

    // An emit with an acknowledgement: typed both ways through the generated proxy and the source-generated context.
    var acked = await smoke.Echo(new SmokeMessage("ping", 42), timeout.Token);

    step = "event";

    // An event from the server, delivered to the generated binder.
    await smoke.Send(new SmokeMessage("echo", 7));
    var received = await receiver.Received.Task.WaitAsync(timeout.Token);

    step = "stream";

    // A stream: the interop application's count-stream sends 0, 1, 2 and ends.
    var streamed = new List<int>();
    await foreach (var n in smoke.CountStream(3, timeout.Token))
    {
        streamed.Add(n);
    }

    step = "upload";

    // An upload: the interop application's sum-upload grants credit as it takes the items and answers their sum.
    var uploaded = await smoke.SumUpload(UploadItems(5), timeout.Token);

    if (acked != new SmokeMessage("ping", 42) || received != new SmokeMessage("echo", 7) || !streamed.SequenceEqual([0, 1, 2]) || uploaded != 15)
    {
        Console.Error.WriteLine($"unexpected values: ack {acked}, event {received}, stream [{string.Join(", ", streamed)}], upload {uploaded}");
        return 1;
    }

    Console.WriteLine(JsonSerializer.Serialize(new SmokeResult(true, socket.Id!, client.Transport.ToString()!, acked, received, [.. streamed], uploaded), SmokeJson.Default.SmokeResult));
    socket.Disconnect();
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"smoke client failed at the {step} step: {ex}");
    return 1;
}

// The items of the upload, 1 to count, produced only as the server grants credit.
static async IAsyncEnumerable<SmokeMessage> UploadItems(int count)
{
    for (var i = 1; i <= count; i++)
    {
        await Task.Yield();
        yield return new SmokeMessage("item", i);
    }
}

/// <summary>What the smoke client sends: the interop application's echo events.</summary>
[SocketContract(JsonContext = typeof(SmokeJson))]
public interface ISmokeServer
{
    [SocketEvent("message-with-ack")]
    Task<SmokeMessage> Echo(SmokeMessage message, CancellationToken cancellationToken = default);

    [SocketEvent("message")]
    Task Send(SmokeMessage message);

    [SocketEvent("count-stream")]
    IAsyncEnumerable<int> CountStream(int count, CancellationToken cancellationToken = default);

    [SocketEvent("sum-upload")]
    Task<int> SumUpload(IAsyncEnumerable<SmokeMessage> items, CancellationToken cancellationToken = default);
}

/// <summary>What the server sends back.</summary>
[SocketContract(JsonContext = typeof(SmokeJson))]
public interface ISmokeClient
{
    [SocketEvent("message-back")]
    Task MessageBack(SmokeMessage message);
}

internal sealed class SmokeReceiver : ISmokeClient
{
    public TaskCompletionSource<SmokeMessage> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task MessageBack(SmokeMessage message)
    {
        Received.TrySetResult(message);
        return Task.CompletedTask;
    }
}

public sealed record SmokeAuth(string Label);

public sealed record SmokeMessage(string Text, int Number);

public sealed record SmokeResult(bool Ok, string SocketId, string Transport, SmokeMessage Ack, SmokeMessage Event, int[] Stream, int Upload);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SmokeAuth))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SmokeMessage))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SmokeResult))]
public sealed partial class SmokeJson : System.Text.Json.Serialization.JsonSerializerContext;
