using System.Collections.Concurrent;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>OnAny, OnAnyOutgoing, packet middleware, handler removal and emit argument rules.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ListenerAndMiddlewareTests
{
    [Fact]
    public async Task OnAny_sees_every_event_before_its_handlers()
    {
        var seen = new ConcurrentQueue<string>();
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.WithEcho().OnConnection(socket =>
        {
            socket.OnAny(e =>
            {
                seen.Enqueue("any:" + e.EventName + ":" + e.Arguments.GetString(0));
                return ValueTask.CompletedTask;
            });
            socket.On("greet", e =>
            {
                seen.Enqueue("greet");
                e.Ack("done");
            });
        }));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""421["greet","hi"]""");
        Assert.Equal("""431["done"]""", await client.ReceiveAsync());
        await client.SendAsync("""422["unhandled","x"]""");
        await client.AssertEchoesAsync("/");

        Assert.Equal(["any:greet:hi", "greet", "any:unhandled:x"], seen.Take(3));
    }

    [Fact]
    public async Task OnAnyOutgoing_sees_each_emitted_event_with_its_arguments()
    {
        var outgoing = new ConcurrentQueue<string>();
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
        {
            socket.OnAnyOutgoing((name, args) => outgoing.Enqueue($"{name}:{args.Count}:{args[0]}"));
            socket.On("ping-me", e => e.Socket.Emit("pong-you", "x", 2));
        }));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42["ping-me"]""");

        Assert.Equal("""42["pong-you","x",2]""", await client.ReceiveAsync());
        Assert.Equal(["pong-you:2:x"], outgoing);
    }

    [Fact]
    public async Task Packet_middleware_can_pass_drop_or_fail_an_event_without_closing_the_connection()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
        {
            socket.Use(async (e, next) =>
            {
                switch (e.EventName)
                {
                    case "blocked":
                        return; // next not called: dropped
                    case "broken":
                        throw new InvalidOperationException("middleware failure");
                    default:
                        await next();
                        return;
                }
            });
            socket.On("blocked", e => e.Socket.Emit("reached", "blocked"));
            socket.On("broken", e => e.Socket.Emit("reached", "broken"));
            socket.On("allowed", e => e.Socket.Emit("reached", "allowed"));
        }));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42["blocked"]""");
        await client.SendAsync("""42["broken"]""");
        await client.SendAsync("""42["allowed"]""");

        // Handlers run in order, so the first frame after the two dropped events is the allowed one's.
        Assert.Equal("""42["reached","allowed"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Disposing_the_subscription_removes_the_handler()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
        {
            IDisposable? once = null;
            once = socket.On("once", e =>
            {
                e.Socket.Emit("got", "once");
                once!.Dispose();
            });
            socket.On("marker", e => e.Socket.Emit("got", "marker"));
        }));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42["once"]""");
        await client.SendAsync("""42["once"]""");
        await client.SendAsync("""42["marker"]""");

        Assert.Equal("""42["got","once"]""", await client.ReceiveAsync());
        Assert.Equal("""42["got","marker"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task An_array_passed_alone_is_one_argument_and_reserved_names_cannot_be_emitted()
    {
        Exception? reserved = null;
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
        {
            reserved = Record.Exception(() => socket.Emit("disconnect"));
            socket.Emit("names", new[] { "a", "b" });
            socket.Emit("none", (object?)null);
        }));
        await using var client = await server.ConnectToAsync("/");

        Assert.Equal("""42["names",["a","b"]]""", await client.ReceiveAsync());
        Assert.Equal("""42["none",null]""", await client.ReceiveAsync());
        Assert.IsType<ArgumentException>(reserved);
    }
}
