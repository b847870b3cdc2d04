using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>Server-side disconnects (SPEC-NOTES B4 6, B5): what the client receives and what the server socket sees.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class DisconnectTests
{
    private static Task<SocketIOTestServer> StartAsync(SocketLog log, Action<SocketIOOptions>? configure = null) =>
        SocketIOTestServer.StartAsync(
            io =>
            {
                log.Attach(io.MainNamespace.WithEcho());
                log.Attach(io.Of("/custom").WithEcho());
            },
            configure);

    [Theory]
    [InlineData("/", "41")]
    [InlineData("/custom", "41/custom,")]
    public async Task Server_disconnect_sends_disconnect_and_keeps_the_engine_connection_open(string ns, string expected)
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync(ns);
        var socket = await log.NextAsync();

        socket.Disconnect();

        Assert.Equal(expected, await client.ReceiveAsync());
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await log.DisconnectReasonAsync(socket));
        Assert.False(socket.Connected);

        // The Engine.IO connection is still there: the client can join again on it.
        await client.JoinAsync(ns);
        await client.AssertEchoesAsync(ns);
    }

    [Fact]
    public async Task Server_disconnect_of_one_namespace_keeps_the_other()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        custom.Disconnect();

        Assert.Equal("41/custom,", await client.ReceiveAsync());
        await client.AssertEchoesAsync("/");
        Assert.True(main.Connected);
    }

    [Fact]
    public async Task Server_disconnect_with_close_sends_disconnect_then_closes_the_connection()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        socket.Disconnect(close: true);

        Assert.Equal("41", await client.ReceiveAsync());
        await client.WaitForCloseAsync();

        // socket.io 4.8 disconnects each socket the normal way before closing (observed: "server namespace disconnect").
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await log.DisconnectReasonAsync(socket));
        await server.AssertServesFreshClientAsync();
    }

    /// <summary>
    /// As the reference's <c>client._disconnect()</c>: every namespace socket of the connection is told
    /// (<c>41</c>, <c>41/custom,</c>) and leaves before the connection closes.
    /// </summary>
    [Fact]
    public async Task Server_disconnect_with_close_tells_every_namespace_of_the_connection()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        custom.Disconnect(close: true);

        var frames = await client.WaitForCloseAsync();
        var texts = frames.Where(f => !(f.IsText && f.Text == "2")).Select(f => f.ToString()).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["text '41'", "text '41/custom,'"], texts);
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await log.DisconnectReasonAsync(main));
        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await log.DisconnectReasonAsync(custom));
    }

    [Fact]
    public async Task Disconnecting_sees_the_rooms_and_disconnected_sees_them_gone()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();
        socket.Join(["r1", "r2"]);

        socket.Disconnect();

        Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await log.DisconnectReasonAsync(socket));
        Assert.Equal(new HashSet<string> { socket.Id, "r1", "r2" }, log.RoomsWhenDisconnecting(socket).ToHashSet());
        Assert.Empty(log.RoomsWhenDisconnected(socket));
        Assert.Empty(await server.IO.In("r1").FetchSocketsAsync());
        Assert.Empty(server.IO.MainNamespace.Adapter.GetSockets(["r1", "r2", socket.Id]));
    }

    [Fact]
    public async Task Disconnect_twice_sends_one_disconnect_packet()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        socket.Disconnect();
        socket.Disconnect();
        socket.Disconnect(close: true);

        Assert.Equal("41", await client.ReceiveAsync());
        await client.JoinAsync("/");
        await client.AssertEchoesAsync();
    }

    [Fact]
    public async Task Emit_after_disconnect_is_dropped()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        socket.Disconnect();
        socket.Emit("ghost", 1);

        Assert.Equal("41", await client.ReceiveAsync());
        await client.JoinAsync("/");
        await client.AssertEchoesAsync();
    }

    [Fact]
    public async Task Server_shutdown_disconnects_every_socket_with_server_shutting_down()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        await server.StopAsync();

        await client.WaitForCloseAsync();
        Assert.Equal(SocketIODisconnectReason.ServerShuttingDown, await log.DisconnectReasonAsync(main));
        Assert.Equal(SocketIODisconnectReason.ServerShuttingDown, await log.DisconnectReasonAsync(custom));
    }

    [Fact]
    public async Task Event_for_a_namespace_the_server_disconnected_closes_the_connection()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(log);
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();
        socket.Disconnect();
        Assert.Equal("41", await client.ReceiveAsync());

        // The client did not re-join: "/" is not connected any more (invalid state, BAD-INPUTS C5).
        await client.SendAsync("""42["message","late"]""");

        await client.WaitForCloseAsync();
    }
}
