using System.Diagnostics;
using System.Text.RegularExpressions;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>Dynamic namespaces (parent namespaces created from a predicate or a regex; BAD-INPUTS F4).</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class DynamicNamespaceTests
{
    private static SocketIONamespace ConfigureDynamic(SocketIOServer io, SocketLog log)
    {
        var parent = io.Of(name => name.StartsWith("/dyn-", StringComparison.Ordinal));
        log.Attach(parent);
        parent.OnConnection(socket =>
        {
            socket.Emit("hello", socket.Namespace.Name);
            socket.On("message", e => e.Socket.Emit("message-back", e.Arguments));
        });
        return parent;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(stopwatch.ElapsedMilliseconds < SocketIOTestServer.BoundMs, $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Matching_names_create_children_on_connect_that_share_the_parent_handlers()
    {
        var log = new SocketLog();
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io => parent = ConfigureDynamic(io, log));
        await using var client = await server.ConnectAsync();
        Assert.Empty(parent.Children);

        await client.JoinAsync("/dyn-1");
        Assert.Equal("""42/dyn-1,["hello","/dyn-1"]""", await client.ReceiveAsync());
        await client.JoinAsync("/dyn-2", """{"t":1}""");
        Assert.Equal("""42/dyn-2,["hello","/dyn-2"]""", await client.ReceiveAsync());

        var first = await log.NextAsync();
        var second = await log.NextAsync();
        Assert.Equal("/dyn-1", first.Namespace.Name);
        Assert.Same(parent, first.Namespace.Parent);
        Assert.Same(parent, second.Namespace.Parent);
        Assert.Equal(new HashSet<string> { "/dyn-1", "/dyn-2" }, parent.Children.Keys.ToHashSet());
        await client.AssertEchoesAsync("/dyn-2");
    }

    [Fact]
    public async Task Parent_middleware_applies_to_every_child()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io
            .Of(name => name.StartsWith("/dyn-", StringComparison.Ordinal))
            .Use(socket => socket.Handshake.Auth.TryGetProperty("token", out _)
                ? ValueTask.CompletedTask
                : throw new SocketIOConnectionRejectedException("token required")));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/dyn-a,");
        Assert.Equal("""44/dyn-a,{"message":"token required"}""", await client.ReceiveAsync());
        await client.JoinAsync("/dyn-b", """{"token":"x"}""");
    }

    [Fact]
    public async Task Names_that_do_not_match_get_invalid_namespace()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io => ConfigureDynamic(io, log));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/other");

        Assert.Equal("""44/other,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Broadcast_from_the_parent_reaches_every_child()
    {
        var log = new SocketLog();
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io => parent = ConfigureDynamic(io, log));
        await using var one = await server.ConnectToAsync("/dyn-1");
        Assert.Equal("""42/dyn-1,["hello","/dyn-1"]""", await one.ReceiveAsync());
        await using var two = await server.ConnectToAsync("/dyn-2");
        Assert.Equal("""42/dyn-2,["hello","/dyn-2"]""", await two.ReceiveAsync());

        parent.Emit("all", 1);

        Assert.Equal("""42/dyn-1,["all",1]""", await one.ReceiveAsync());
        Assert.Equal("""42/dyn-2,["all",1]""", await two.ReceiveAsync());
    }

    /// <summary>F4: the number of children is capped; the one over the cap is an invalid namespace.</summary>
    [Fact]
    public async Task Max_child_namespaces_caps_the_children()
    {
        var log = new SocketLog();
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io => parent = ConfigureDynamic(io, log), o => o.MaxChildNamespaces = 2);
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/dyn-1");
        Assert.Equal("""42/dyn-1,["hello","/dyn-1"]""", await client.ReceiveAsync());
        await client.JoinAsync("/dyn-2");
        Assert.Equal("""42/dyn-2,["hello","/dyn-2"]""", await client.ReceiveAsync());
        await client.SendAsync("40/dyn-3");

        Assert.Equal("""44/dyn-3,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
        Assert.Equal(2, parent.Children.Count);

        // Existing children still take new sockets.
        await using var other = await server.ConnectToAsync("/dyn-1");
        Assert.Equal("""42/dyn-1,["hello","/dyn-1"]""", await other.ReceiveAsync());
    }

    /// <summary>F4: a child whose last socket leaves is removed (the default), which frees its slot under the cap.</summary>
    [Fact]
    public async Task Empty_children_are_removed_and_free_their_slot()
    {
        var log = new SocketLog();
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io => parent = ConfigureDynamic(io, log), o => o.MaxChildNamespaces = 1);
        await using var client = await server.ConnectAsync();
        await client.JoinAsync("/dyn-1");
        Assert.Equal("""42/dyn-1,["hello","/dyn-1"]""", await client.ReceiveAsync());
        var socket = await log.NextAsync();
        Assert.True(parent.Children.ContainsKey("/dyn-1"));

        await client.SendAsync("41/dyn-1,");

        Assert.Equal(SocketIODisconnectReason.ClientNamespaceDisconnect, await log.DisconnectReasonAsync(socket));
        await WaitUntilAsync(() => parent.Children.Count == 0, "the empty child to be removed");
        await client.JoinAsync("/dyn-2");
        Assert.Equal("""42/dyn-2,["hello","/dyn-2"]""", await client.ReceiveAsync());
        Assert.Equal(["/dyn-2"], parent.Children.Keys);
    }

    /// <summary>
    /// F4: a refused CONNECT must not leave its child behind; otherwise unauthenticated clients could use up
    /// MaxChildNamespaces with names of their choosing and every new dynamic namespace would be refused.
    /// </summary>
    [Fact]
    public async Task Child_created_for_a_refused_connect_is_removed_and_does_not_use_up_the_cap()
    {
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(
            io =>
            {
                parent = io.Of(name => name.StartsWith("/dyn-", StringComparison.Ordinal));
                parent.Use(socket => socket.Handshake.Auth.TryGetProperty("token", out _)
                    ? ValueTask.CompletedTask
                    : throw new SocketIOConnectionRejectedException("token required"));
            },
            o => o.MaxChildNamespaces = 1);
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/dyn-1");
        Assert.Equal("""44/dyn-1,{"message":"token required"}""", await client.ReceiveAsync());
        Assert.Empty(parent.Children);

        await client.JoinAsync("/dyn-2", """{"token":"x"}""");
        Assert.Equal(["/dyn-2"], parent.Children.Keys);
    }

    [Fact]
    public async Task Empty_children_are_kept_when_cleanup_is_off()
    {
        var log = new SocketLog();
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io => parent = ConfigureDynamic(io, log), o => o.CleanupEmptyChildNamespaces = false);
        await using var client = await server.ConnectToAsync("/dyn-1");
        var socket = await log.NextAsync();

        await client.SendAsync("41/dyn-1,");

        Assert.Equal(SocketIODisconnectReason.ClientNamespaceDisconnect, await log.DisconnectReasonAsync(socket));
        Assert.True(parent.Children.ContainsKey("/dyn-1"));
        Assert.Empty(parent.Children["/dyn-1"].Sockets);
    }

    [Fact]
    public async Task Child_of_a_closed_connection_is_removed_too()
    {
        var log = new SocketLog();
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io => parent = ConfigureDynamic(io, log));
        var client = await server.ConnectToAsync("/dyn-9");
        var socket = await log.NextAsync();

        await client.DisposeAsync();

        Assert.Equal(SocketIODisconnectReason.TransportClose, await log.DisconnectReasonAsync(socket));
        await WaitUntilAsync(() => parent.Children.Count == 0, "the child of the closed connection to be removed");
    }

    [Fact]
    public async Task Regex_overload_creates_children_for_matching_names_only()
    {
        SocketIONamespace parent = null!;
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            parent = io.Of(new Regex(@"^/room-\d+$"));
            parent.OnConnection(socket => socket.Emit("in", socket.Namespace.Name));
        });
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/room-12");
        Assert.Equal("""42/room-12,["in","/room-12"]""", await client.ReceiveAsync());
        await client.SendAsync("40/room-x");
        Assert.Equal("""44/room-x,{"message":"Invalid namespace"}""", await client.ReceiveAsync());
        Assert.Equal(["/room-12"], parent.Children.Keys);
    }

    [Fact]
    public async Task Static_namespace_takes_precedence_over_a_matching_dynamic_one()
    {
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            io.Of("/dyn-static").OnConnection(socket => socket.Emit("static"));
            io.Of(name => name.StartsWith("/dyn-", StringComparison.Ordinal)).OnConnection(socket => socket.Emit("dynamic"));
        });
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/dyn-static");

        Assert.Equal("""42/dyn-static,["static"]""", await client.ReceiveAsync());
    }
}
