using System.Text.Json;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// socket.io-client's Manager/engine features on the .NET client: <c>rememberUpgrade</c> and the <c>ping</c> event,
/// against Node's socket.io (sio-reference-server.mjs: pings every 300 ms, logs each Engine.IO session's transport).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientEngineApiTests
{
    [Theory]
    [InlineData(true, "websocket")]
    [InlineData(false, "polling")]
    public async Task RememberUpgrade_makes_the_next_session_open_on_WebSocket(bool remember, string reconnectTransport)
    {
        await using var server = await NodeServer.StartAsync("sio-reference-server.mjs");
        await using var client = new SocketIOClient(new Uri(server.BaseUrl), o =>
        {
            o.RememberUpgrade = remember;
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(200);
        });
        var upgraded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Upgraded += () => upgraded.TrySetResult();
        client.Reconnected += _ => reconnected.TrySetResult();
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(Wait);
        await upgraded.Task.WaitAsync(Wait);

        // The server closes the Engine.IO session; the client reconnects by itself.
        socket.Emit("kill-transport");
        await reconnected.Task.WaitAsync(Wait);

        // The server's log line for the second session is read from its stderr asynchronously: wait (bounded) until it is in.
        var opened = OpenedTransports(server);
        using var deadline = new CancellationTokenSource(Wait);
        while (opened.Count < 2)
        {
            await Task.Delay(20, deadline.Token);
            opened = OpenedTransports(server);
        }

        Assert.Equal(["polling", reconnectTransport], opened);
    }

    private static List<string?> OpenedTransports(NodeServer server) => server.Events
        .Select(e => JsonDocument.Parse(e).RootElement)
        .Where(e => e.GetProperty("type").GetString() == "engine-open")
        .Select(e => e.GetProperty("transport").GetString())
        .ToList();

    [Fact]
    public async Task Ping_is_raised_for_each_server_heartbeat()
    {
        await using var server = await NodeServer.StartAsync("sio-reference-server.mjs");
        await using var client = new SocketIOClient(new Uri(server.BaseUrl), o => o.Transports = EngineIOTransports.WebSocket);
        var pings = 0;
        var twoPings = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Ping += () =>
        {
            if (Interlocked.Increment(ref pings) == 2)
            {
                twoPings.TrySetResult();
            }
        };

        await client.Of("/").ConnectAsync().WaitAsync(Wait);
        await twoPings.Task.WaitAsync(Wait);

        // The pongs went back: the session is still up after two heartbeats.
        Assert.True(client.Of("/").IsConnected);
    }
}
