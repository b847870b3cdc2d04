// The chat's console client (NativeAOT-ready), typed through Chat.Contracts: calls go through a generated IChatServer
// proxy, server events land on an IChatClient implementation.
//
//   Chat.Client <serverUrl> <nickname> <room>                      interactive: type a line to send it, /quit to leave
//   Chat.Client <serverUrl> <nickname> <room> [--say <text>]... [--expect <text>] [--timeout <seconds>]
//                                                                  scripted: sends each --say (awaiting its ack), waits
//                                                                  for a message reading --expect from someone else,
//                                                                  prints one JSON line and exits 0 (1 on failure)
//   --transport polling|websocket limits the transports (default: polling upgraded to WebSocket).
using System.Text.Json;
using Chat;
using Chat.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;

if (!ChatClientArguments.TryParse(args, out var options, out var usageError))
{
    Console.Error.WriteLine(usageError);
    Console.Error.WriteLine("usage: Chat.Client <serverUrl> <nickname> <room> [--say <text>]... [--expect <text>] [--timeout <seconds>] [--transport polling|websocket]");
    return 2;
}

using var timeout = new CancellationTokenSource(options.Timeout);
using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.Scripted ? timeout.Token : CancellationToken.None);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var client = new SocketIOClient(options.Server, o =>
{
    o.UseJson(ChatJson.Default);                                  // the contracts' JsonSerializerContext: AOT-safe
    o.Transports = options.Transports;
    o.Reconnection = !options.Scripted;
});
var socket = client.Of("/chat", o => o.Auth = new ChatAuth(options.Nickname));
var receiver = new ConsoleReceiver(options.Nickname, echo: !options.Scripted, options.Expect);
using var registration = socket.Register<IChatClient>(receiver);   // server → client events, typed
IChatServer server = socket.CreateProxy<IChatServer>();              // client → server calls, typed

try
{
    // Connecting retries until it works (or the timeout); a refusal (e.g. a bad nickname) is final.
    using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
    {
        connectTimeout.CancelAfter(options.Timeout);
        await socket.ConnectAsync(connectTimeout.Token);
    }

    var joined = await server.Join(options.Room, stop.Token);
    if (!joined.Ok)
    {
        return Fail($"could not join '{options.Room}': {joined.Error}");
    }

    receiver.Seen(joined.History);
    if (!options.Scripted)
    {
        Console.WriteLine($"joined {joined.Room} as {options.Nickname} ({string.Join(", ", joined.Members)}); type a message and press Enter, /quit to leave");
        foreach (var message in joined.History)
        {
            ConsoleReceiver.Print(message);
        }

        // The server forgets rooms with the connection: join again after a reconnection.
        socket.Connected += s => _ = server.Join(options.Room);
        return await InteractiveAsync(server, options.Room, stop.Token);
    }

    var sent = new List<SentMessage>();
    foreach (var text in options.Say)
    {
        var ack = await server.Send(options.Room, text, stop.Token);
        if (!ack.Ok)
        {
            return Fail($"--say #{sent.Count + 1} was refused: {ack.Error}");
        }

        sent.Add(new SentMessage(text, ack.Id!, ack.Time!.Value));
    }

    ChatMessage? received = options.Expect is null ? null : await receiver.Expected.Task.WaitAsync(stop.Token);
    var transport = client.Transport == EngineIOTransports.WebSocket ? "websocket" : "polling";
    Console.WriteLine(JsonSerializer.Serialize(
        new ScriptResult(true, options.Nickname, joined.Room, joined.Members, joined.History.Length, sent, received, transport),
        ClientJson.Default.ScriptResult));
    await server.Leave(options.Room);
    socket.Disconnect();
    return 0;
}
catch (SocketIOConnectException ex) when (ex.IsRejectedByServer)
{
    return Fail("the server refused the connection: " + ex.Message);
}
catch (OperationCanceledException) when (timeout.IsCancellationRequested)
{
    return Fail(options.Expect is not null && socket.IsConnected
        ? $"no message '{options.Expect}' within {options.Timeout.TotalSeconds:0} s"
        : $"not done within {options.Timeout.TotalSeconds:0} s (is the server at {options.Server} running?)");
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    return 0;
}
catch (Exception ex) when (ex is SocketIOConnectException or SocketIOAckTimeoutException or SocketIODisconnectedException)
{
    return Fail(ex.Message);
}

int Fail(string error)
{
    if (options.Scripted)
    {
        Console.WriteLine(JsonSerializer.Serialize(new ScriptFailure(false, error), ClientJson.Default.ScriptFailure));
    }
    else
    {
        Console.Error.WriteLine(error);
    }

    return 1;
}

static async Task<int> InteractiveAsync(IChatServer server, string room, CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        var line = await Console.In.ReadLineAsync(cancellationToken);
        if (line is null || line.Trim() == "/quit")
        {
            break;
        }

        if (line.Trim().Length == 0)
        {
            continue;
        }

        var ack = await server.Send(room, line, cancellationToken);
        Console.WriteLine(ack.Ok ? $"  ✓ {ack.Id} at {ack.Time:HH:mm:ss}" : $"  ✗ not sent: {ack.Error}");
    }

    await server.Leave(room);
    return 0;
}
