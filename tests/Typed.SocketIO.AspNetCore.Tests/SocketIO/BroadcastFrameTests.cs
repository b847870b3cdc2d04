using System.Reflection;
using Typed.EngineIO.Internal;
using Typed.EngineIO.Internal.Transports;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// A broadcast's WebSocket frame is built once and written straight to each idle connection (docs/benchmarks.md,
/// "Broadcast at the transport's limit"); rooms hold socket references with cached arrays. These tests hold the
/// wire to what the WebSocket itself would have sent: whole frames of every header size, in order with the socket's
/// own packets, and the snapshots of the rooms following joins and leaves.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class BroadcastFrameTests
{
    [Theory]
    [InlineData(10)] // payload < 126 bytes: 2-byte header
    [InlineData(200)] // 126..65535: 4-byte header
    [InlineData(70_000)] // above 65535: 10-byte header
    public async Task Broadcast_frames_of_every_header_size_arrive_whole_on_every_socket(int length)
    {
        await using var server = await SocketIOTestServer.StartAsync();
        var clients = new RawSocketIOClient[3];
        for (var i = 0; i < clients.Length; i++)
        {
            clients[i] = await server.ConnectToAsync("/");
        }

        try
        {
            var text = new string('x', length);
            server.IO.Emit("big", text);
            server.IO.Emit("after");
            foreach (var client in clients)
            {
                Assert.Equal($"42[\"big\",\"{text}\"]", await client.ReceiveAsync());
                Assert.Equal("42[\"after\"]", await client.ReceiveAsync());
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Broadcasts_and_the_sockets_own_emits_keep_their_order()
    {
        // The sender's own emits are queued for its writer, the broadcasts written directly when the writer is idle:
        // one socket's packets must still leave in the order they were sent.
        const int Rounds = 300;
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("go", e =>
            {
                for (var i = 0; i < Rounds; i++)
                {
                    e.Socket.Emit("own", i);
                    e.Socket.Namespace.Emit("all", i);
                }
            })));
        await using var sender = await server.ConnectToAsync("/");
        await using var other = await server.ConnectToAsync("/");

        await sender.SendAsync("42[\"go\"]");

        for (var i = 0; i < Rounds; i++)
        {
            Assert.Equal($"42[\"own\",{i}]", await sender.ReceiveAsync());
            Assert.Equal($"42[\"all\",{i}]", await sender.ReceiveAsync());
            Assert.Equal($"42[\"all\",{i}]", await other.ReceiveAsync());
        }
    }

    [Fact]
    public async Task A_broadcast_to_an_idle_websocket_is_written_without_waking_its_writer()
    {
        // No heartbeat during the test: a ping is queued for the writer and would wake it.
        await using var server = await SocketIOTestServer.StartAsync(configure: o =>
        {
            o.EngineIO.PingInterval = TimeSpan.FromSeconds(60);
            o.EngineIO.PingTimeout = TimeSpan.FromSeconds(60);
        });
        await using var a = await server.ConnectToAsync("/");
        await using var b = await server.ConnectToAsync("/");
        var transports = server.IO.MainNamespace.Sockets.Values
            .Select(socket => (WebSocketTransport)((EngineIOSession)socket.Connection).CurrentTransport)
            .ToArray();
        var parked = transports.Select(ParkedWriter).ToArray();

        server.IO.Emit("news", 1);

        Assert.Equal("42[\"news\",1]", await a.ReceiveAsync());
        Assert.Equal("42[\"news\",1]", await b.ReceiveAsync());
        for (var i = 0; i < transports.Length; i++)
        {
            // The same waiter, never completed: the writer loop slept through the broadcast.
            var after = ParkedWriter(transports[i]);
            Assert.Same(parked[i], after);
            Assert.False(after.Task.IsCompleted);
        }
    }

    [Fact]
    public async Task Room_broadcasts_follow_joins_leaves_and_disconnects()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io => log.Attach(io.MainNamespace));
        await using var a = await server.ConnectToAsync("/");
        var socketA = await log.NextAsync();
        await using var b = await server.ConnectToAsync("/");
        var socketB = await log.NextAsync();
        socketA.Join("r");

        // The first broadcasts build the room's and the namespace's arrays; every change after must show.
        server.IO.To("r").Emit("r", 1);
        server.IO.Emit("all", 1);
        Assert.Equal("42[\"r\",1]", await a.ReceiveAsync());
        Assert.Equal("42[\"all\",1]", await a.ReceiveAsync());
        Assert.Equal("42[\"all\",1]", await b.ReceiveAsync());

        socketB.Join("r");
        socketA.Leave("r");
        await using var c = await server.ConnectToAsync("/");
        var socketC = await log.NextAsync();
        socketC.Join("r");
        server.IO.To("r").Emit("r", 2);
        server.IO.Emit("all", 2);
        Assert.Equal("42[\"all\",2]", await a.ReceiveAsync());
        Assert.Equal("42[\"r\",2]", await b.ReceiveAsync());
        Assert.Equal("42[\"all\",2]", await b.ReceiveAsync());
        Assert.Equal("42[\"r\",2]", await c.ReceiveAsync());
        Assert.Equal("42[\"all\",2]", await c.ReceiveAsync());

        socketB.Disconnect();
        Assert.Equal("41", await b.ReceiveAsync());
        server.IO.To("r").Emit("r", 3);
        server.IO.Except("r").Emit("outside", 3);
        Assert.Equal("42[\"outside\",3]", await a.ReceiveAsync());
        Assert.Equal("42[\"r\",3]", await c.ReceiveAsync());
        Assert.Equal(new[] { socketA.Id, socketC.Id }.Order(), server.IO.MainNamespace.Adapter.GetSockets([]).Order());
        Assert.Equal([socketC.Id], server.IO.MainNamespace.Adapter.GetSockets(["r"]));
    }

    /// <summary>The writer loop's waiter once it is parked again (bounded wait: it parks right after each write).</summary>
    private static TaskCompletionSource ParkedWriter(WebSocketTransport transport)
    {
        var field = typeof(WebSocketTransport).GetField("_writerWaiter", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("WebSocketTransport._writerWaiter was renamed; update this test.");
        TaskCompletionSource? waiter = null;
        Assert.True(
            SpinWait.SpinUntil(
                () =>
                {
                    lock (transport.Session.Gate)
                    {
                        return (waiter = (TaskCompletionSource?)field.GetValue(transport)) is not null;
                    }
                },
                SocketIOTestServer.BoundMs),
            "the writer loop did not park");
        return waiter!;
    }
}
