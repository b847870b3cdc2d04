using System.Threading.Channels;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// socket.io-client's listener API on the .NET client (once, off, prependAny, offAny, compress, the send buffer),
/// against Node's socket.io: the reference server echoes <c>message</c> back as <c>message-back</c>.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientListenerApiTests
{
    [Fact]
    public async Task Once_handles_only_the_next_event()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var socket = client.Of("/");
        var once = new List<string?>();
        var all = Channel.CreateUnbounded<string?>();
        socket.Once("message-back", e => once.Add(e.Arguments.GetString(0)));
        socket.On("message-back", e => all.Writer.TryWrite(e.Arguments.GetString(0)));
        Assert.Equal(2, socket.ListenerCount("message-back"));
        await socket.ConnectAsync().WaitAsync(Wait);

        socket.Emit("message", "first");
        socket.Emit("message", "second");
        Assert.Equal("first", await all.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal("second", await all.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        // The second event went to the permanent handler only: the once handler was gone before it ran.
        Assert.Equal(["first"], once);
        Assert.Equal(1, socket.ListenerCount("message-back"));
    }

    [Fact]
    public async Task Off_removes_one_handler_or_every_handler_of_an_event()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "polling", "json");
        var socket = client.Of("/");
        var seen = Channel.CreateUnbounded<string>();
        Action<SocketIOClientEvent> removed = e => seen.Writer.TryWrite("removed:" + e.Arguments.GetString(0));
        Func<SocketIOClientEvent, ValueTask> kept = e =>
        {
            seen.Writer.TryWrite("kept:" + e.Arguments.GetString(0));
            return ValueTask.CompletedTask;
        };
        Action<SocketIOClientEvent> onceRemoved = e => seen.Writer.TryWrite("once:" + e.Arguments.GetString(0));
        socket.On("message-back", removed);
        socket.On("message-back", kept);
        socket.Once("message-back", onceRemoved);
        await socket.ConnectAsync().WaitAsync(Wait);

        Assert.True(socket.Off("message-back", removed));
        Assert.True(socket.Off("message-back", onceRemoved)); // off finds a once handler by the delegate given to Once
        Assert.False(socket.Off("message-back", removed));
        socket.Emit("message", "one");
        Assert.Equal("kept:one", await seen.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        // Off(event) removes the rest; a catch-all handler shows the next event still arrives, unhandled.
        Assert.True(socket.Off("message-back"));
        Assert.Equal(0, socket.ListenerCount("message-back"));
        socket.OnAny(e =>
        {
            seen.Writer.TryWrite("any:" + e.EventName);
            return ValueTask.CompletedTask;
        });
        socket.Emit("message", "two");
        Assert.Equal("any:message-back", await seen.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.False(seen.Reader.TryRead(out var extra), $"unexpected: {extra}");
    }

    [Fact]
    public async Task PrependAny_runs_before_earlier_catch_all_handlers_and_OffAny_removes_them()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var socket = client.Of("/");
        var order = Channel.CreateUnbounded<string>();
        // The reference server greets each socket with an "auth" event: the catch-all handlers note the echoes only.
        Func<SocketIOClientEvent, ValueTask> first = e =>
        {
            if (e.EventName == "message-back")
            {
                order.Writer.TryWrite("any:" + e.Arguments.GetString(0));
            }

            return ValueTask.CompletedTask;
        };
        Func<SocketIOClientEvent, ValueTask> prepended = e =>
        {
            if (e.EventName == "message-back")
            {
                order.Writer.TryWrite("prepended:" + e.Arguments.GetString(0));
            }

            return ValueTask.CompletedTask;
        };
        socket.OnAny(first);
        socket.PrependAny(prepended);
        socket.On("message-back", e => order.Writer.TryWrite("own:" + e.Arguments.GetString(0)));
        await socket.ConnectAsync().WaitAsync(Wait);

        socket.Emit("message", "a");
        Assert.Equal("prepended:a", await order.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal("any:a", await order.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal("own:a", await order.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        Assert.True(socket.OffAny(prepended));
        socket.Emit("message", "b");
        Assert.Equal("any:b", await order.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal("own:b", await order.Reader.ReadAsync().AsTask().WaitAsync(Wait));

        Assert.True(socket.OffAny());
        Assert.False(socket.OffAny(first));
        socket.Emit("message", "c");
        Assert.Equal("own:c", await order.Reader.ReadAsync().AsTask().WaitAsync(Wait));
    }

    [Fact]
    public async Task Compress_is_accepted_and_the_emit_goes_through()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(Wait);

        Assert.Same(socket, socket.Compress(false));
        Assert.Equal("""["plain"]""", Canonical(await socket.Compress(false).EmitWithAckAsync("message-with-ack", ["plain"], Wait)));
    }

    [Fact]
    public async Task The_send_buffer_counts_emits_made_while_disconnected_and_can_be_discarded()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var socket = client.Of("/");
        var back = Channel.CreateUnbounded<string?>();
        socket.On("message-back", e => back.Writer.TryWrite(e.Arguments.GetString(0)));

        socket.Emit("message", "discarded");
        var discardedAck = socket.EmitWithAckAsync("message-with-ack", ["discarded too"]);
        socket.EmitVolatile("message", "volatile, never buffered");
        Assert.Equal(2, socket.SendBufferCount);
        Assert.Equal(2, socket.ClearSendBuffer());
        Assert.Equal(0, socket.SendBufferCount);
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => discardedAck.WaitAsync(Wait));

        socket.Emit("message", "kept");
        Assert.Equal(1, socket.SendBufferCount);
        await socket.ConnectAsync().WaitAsync(Wait);

        // Only the emit buffered after the clear is sent, and the buffer is empty once it went out.
        Assert.Equal("kept", await back.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(0, socket.SendBufferCount);
        socket.Emit("message", "after");
        Assert.Equal("after", await back.Reader.ReadAsync().AsTask().WaitAsync(Wait));
    }
}
