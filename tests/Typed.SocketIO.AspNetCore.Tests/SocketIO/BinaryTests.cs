using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>Binary attachments both ways (SPEC-NOTES B2, B3): placeholders, frame order, never <c>50-</c>.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class BinaryTests
{
    [Fact]
    public async Task Client_binary_event_reaches_the_handler_with_its_bytes()
    {
        var received = new TaskCompletionSource<(bool IsBinary, byte[] Bytes, string Second)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket => socket.On("bin", e =>
            received.TrySetResult((e.Arguments.IsBinary(0), e.Arguments.GetBytes(0).ToArray(), e.Arguments.GetString(1)!)))));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""451-["bin",{"_placeholder":true,"num":0},"text"]""");
        await client.SendBinaryAsync([1, 2, 3, 4]);

        var (isBinary, bytes, second) = await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(isBinary);
        Assert.Equal([1, 2, 3, 4], bytes);
        Assert.Equal("text", second);
    }

    [Fact]
    public async Task Server_emit_of_a_byte_array_sends_a_placeholder_then_a_binary_frame()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.Emit("x", new byte[] { 1, 2, 3, 4 })));
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/");

        Assert.Equal("""451-["x",{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
        Assert.Equal([1, 2, 3, 4], await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Server_emit_with_two_buffers_on_a_custom_namespace_numbers_them_in_order()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.Of("/admin").OnConnection(socket =>
            socket.Emit("baz", new byte[] { 1 }, "mid", new ReadOnlyMemory<byte>([2, 2]))));
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/admin");

        Assert.Equal("""452-/admin,["baz",{"_placeholder":true,"num":0},"mid",{"_placeholder":true,"num":1}]""", await client.ReceiveAsync());
        Assert.Equal([1], await client.ReceiveBinaryAsync());
        Assert.Equal([2, 2], await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Forwarded_binary_arguments_stay_binary()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("binary", e => e.Socket.Emit("binary-back", e.Arguments))));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""452-["binary",{"_placeholder":true,"num":1},{"nested":[{"_placeholder":true,"num":0}]}]""");
        await client.SendBinaryAsync([0xA]);
        await client.SendBinaryAsync([0xB, 0xB]);

        // Renumbered in document order: the first placeholder met is num 0.
        Assert.Equal("""452-["binary-back",{"_placeholder":true,"num":0},{"nested":[{"_placeholder":true,"num":1}]}]""", await client.ReceiveAsync());
        Assert.Equal([0xB, 0xB], await client.ReceiveBinaryAsync());
        Assert.Equal([0xA], await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Binary_ack_to_a_client_uses_type_6_with_the_ack_id()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("binary-ack", e => e.Ack(e.Arguments.GetBytes(0).ToArray(), "ok"))));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""451-15["binary-ack",{"_placeholder":true,"num":0}]""");
        await client.SendBinaryAsync([9, 8]);

        Assert.Equal("""461-15[{"_placeholder":true,"num":0},"ok"]""", await client.ReceiveAsync());
        Assert.Equal([9, 8], await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Client_binary_ack_completes_the_server_emit_with_its_bytes()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io => log.Attach(io.MainNamespace));
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        var answer = socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(10));
        Assert.Equal("""420["question"]""", await client.ReceiveAsync());
        await client.SendAsync("""461-0[{"_placeholder":true,"num":0},"x"]""");
        await client.SendBinaryAsync([7, 7, 7]);

        var reply = await answer.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(reply.IsBinary(0));
        Assert.Equal([7, 7, 7], reply.GetBytes(0).ToArray());
        Assert.Equal("x", reply.GetString(1));
    }

    /// <summary>
    /// A binary-less packet is type 2/3, never <c>50-</c>/<c>60-</c> (the reference decoder would stay armed). The
    /// trap: forwarding the arguments of a binary event whose buffer no placeholder refers to (accepted, BAD-INPUTS C21).
    /// </summary>
    [Fact]
    public async Task Packets_without_binary_are_never_sent_as_binary_types_with_zero_attachments()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("binary", e =>
            {
                e.Socket.Emit("binary-back", e.Arguments);
                e.Ack(e.Arguments);
            })));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""451-3["binary","t"]""");
        await client.SendBinaryAsync([1]);

        Assert.Equal("""42["binary-back","t"]""", await client.ReceiveAsync());
        Assert.Equal("""433["t"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Binary_travels_as_base64_entries_of_the_payload_over_polling()
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestServer.StartAsync(
            io => io.MainNamespace.OnConnection(socket =>
            {
                socket.On("bin", e => received.TrySetResult(e.Arguments.GetBytes(0).ToArray()));
                socket.On("send-bin", e => e.Socket.Emit("x", new byte[] { 1, 2, 3, 4 }));
            }),
            o => o.EngineIO.PingInterval = TimeSpan.FromSeconds(30));
        await using var client = await server.ConnectPollingAsync();
        await client.PostAsync("40");
        SocketIOTestSupport.ConnectReplySid(Assert.Single(await client.PollAsync()));

        // One POST: the header and its attachment as "b" + base64, in one payload.
        await client.PostAsync("""451-["bin",{"_placeholder":true,"num":0}]""", "bAQID", """42["send-bin"]""");

        Assert.Equal([1, 2, 3], await received.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(["""451-["x",{"_placeholder":true,"num":0}]""", "bAQIDBA=="], await client.PollAsync());
    }

    [Fact]
    public async Task Empty_buffer_is_still_an_attachment()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.Emit("empty", Array.Empty<byte>())));
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/");

        Assert.Equal("""451-["empty",{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
        Assert.Empty(await client.ReceiveBinaryAsync());
    }

    [Fact]
    public async Task Binary_events_of_two_namespaces_on_one_connection_do_not_mix()
    {
        var got = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            io.MainNamespace.OnConnection(socket => socket.On("bin", e => got.TrySetResult("/:" + Convert.ToHexString(e.Arguments.GetBytes(0).Span))));
            io.Of("/custom").OnConnection(socket => socket.On("bin", e => e.Socket.Emit("custom-bin", e.Arguments)));
        });
        await using var client = await server.ConnectToAsync("/custom");
        await client.JoinAsync("/");

        await client.SendAsync("""451-/custom,["bin",{"_placeholder":true,"num":0}]""");
        await client.SendBinaryAsync([0xC]);
        await client.SendAsync("""451-["bin",{"_placeholder":true,"num":0}]""");
        await client.SendBinaryAsync([0xD]);

        Assert.Equal("""451-/custom,["custom-bin",{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
        Assert.Equal([0xC], await client.ReceiveBinaryAsync());
        Assert.Equal("/:0D", await got.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
