using System.Text.Json;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// socket.io-client's Manager/engine features on the .NET client: <c>rememberUpgrade</c>, the <c>ping</c> event and
/// engine.io-client's per-packet <c>packet</c>/<c>packetCreate</c> events, against Node's socket.io
/// (sio-reference-server.mjs and sio-client-api-server.mjs: pings every 300 ms, log each Engine.IO session's
/// transport; the latter logs each Engine.IO packet too).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientEngineApiTests
{
    [Theory]
    [InlineData(true, "websocket")]
    [InlineData(false, "polling")]
    public async Task RememberUpgrade_makes_the_next_session_open_on_WebSocket(bool remember, string reconnectTransport)
    {
        await using var server = await NodeServer.StartAsync("sio-reference-server.mjs", TolerantHeartbeat.NodeArguments);
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
        await using var server = await NodeServer.StartAsync("sio-client-api-server.mjs", TolerantHeartbeat.NodeArguments);
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

        // Each ping was answered: the server received a pong for each (its log of the packets it received).
        using var deadline = new CancellationTokenSource(Wait);
        while (server.Events.Count(e => JsonDocument.Parse(e).RootElement is var p && p.GetProperty("type").GetString() == "eio-in" && p.GetProperty("ptype").GetString() == "pong") < 2)
        {
            await Task.Delay(20, deadline.Token);
        }

        Assert.True(client.Of("/").IsConnected);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task EnginePacket_events_report_each_Engine_IO_packet_as_the_server_sent_and_received_it(string mode)
    {
        await using var server = await NodeServer.StartAsync("sio-client-api-server.mjs", TolerantHeartbeat.NodeArguments);
        await using var client = Create(new Uri(server.BaseUrl), mode, "json");
        var received = new System.Collections.Concurrent.ConcurrentQueue<EngineIOPacketInfo>();
        var created = new System.Collections.Concurrent.ConcurrentQueue<EngineIOPacketInfo>();
        var pongCreated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.EnginePacketReceived += received.Enqueue;
        client.EnginePacketCreated += packet =>
        {
            created.Enqueue(packet);
            if (packet.Type == EngineIOPacketType.Pong)
            {
                pongCreated.TrySetResult();
            }
        };
        var socket = client.Of("/");
        var echoed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.On("echo-back", _ => echoed.TrySetResult());
        await ConnectAsync(socket, mode);

        // A text event with a binary attachment: two Engine.IO messages each way, one of them binary.
        socket.Emit("echo", "héllo wörld", new byte[] { 1, 2, 3, 4, 5 });
        await echoed.Task.WaitAsync(Wait);
        await pongCreated.Task.WaitAsync(Wait);

        // The session opened with the handshake; a ping came and its pong went back, both without data.
        Assert.Equal(EngineIOPacketType.Open, received.First().Type);
        Assert.True(received.First().Length > 0);
        Assert.Contains(received, p => p.Type == EngineIOPacketType.Ping && p.Length == 0);
        Assert.Contains(created, p => p.Type == EngineIOPacketType.Pong && p.Length == 0);

        // The messages the client reports match, in order, type, size and form, what engine.io reports on its side:
        // what the client queued is what the server received, and the other way round.
        var sent = Messages(created);
        var got = Messages(received);
        Assert.Equal(3, sent.Count); // the CONNECT, the event, its attachment
        Assert.Equal(3, got.Count); // the CONNECT reply, echo-back, its attachment
        Assert.Equal((5, true), sent[2]);
        Assert.Equal(sent, await ServerMessagesAsync(server, "eio-in", sent.Count));
        Assert.Equal(got, await ServerMessagesAsync(server, "eio-out", got.Count));
    }

    private static List<(int Length, bool IsBinary)> Messages(IEnumerable<EngineIOPacketInfo> packets) =>
        packets.Where(p => p.Type == EngineIOPacketType.Message).Select(p => (p.Length, p.IsBinary)).ToList();

    /// <summary>The server's message packets in one direction, once it has logged <paramref name="count"/> of them (bounded wait).</summary>
    private static async Task<List<(int Length, bool IsBinary)>> ServerMessagesAsync(NodeServer server, string direction, int count)
    {
        using var deadline = new CancellationTokenSource(Wait);
        while (true)
        {
            var messages = server.Events
                .Select(e => JsonDocument.Parse(e).RootElement)
                .Where(e => e.GetProperty("type").GetString() == direction && e.GetProperty("ptype").GetString() == "message")
                .Select(e => (e.GetProperty("length").GetInt32(), e.GetProperty("binary").GetBoolean()))
                .ToList();
            if (messages.Count >= count)
            {
                return messages;
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}
