using System.Diagnostics;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// Joining and leaving namespaces (SPEC-NOTES B2, B4 1–5; BAD-INPUTS C1, C4, E4): the CONNECT reply, auth,
/// unknown namespaces, connect middleware, the connect timeout and the client's DISCONNECT.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ConnectTests
{
    [Fact]
    public async Task Connect_to_main_namespace_replies_with_a_20_character_sid_that_is_not_the_engine_sid()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io => log.Attach(io.MainNamespace));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40");
        var reply = await client.ReceiveAsync();

        var sid = SocketIOTestSupport.ConnectReplySid(reply);
        Assert.Equal($"40{{\"sid\":\"{sid}\"}}", reply);
        Assert.Equal(20, sid.Length);
        Assert.Matches("^[A-Za-z0-9_-]{20}$", sid);
        Assert.NotEqual(client.EngineSid, sid);
        var socket = await log.NextAsync();
        Assert.Equal(sid, socket.Id);
        Assert.Equal(client.EngineSid, socket.Connection.Id);
    }

    [Fact]
    public async Task Each_connect_gets_a_fresh_socket_id()
    {
        await using var server = await SocketIOTestServer.StartAsync();
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            await using var client = await server.ConnectAsync();
            ids.Add(await client.JoinAsync());
        }

        Assert.Equal(5, ids.Count);
    }

    [Fact]
    public async Task Packets_emitted_by_the_connection_handler_arrive_after_the_connect_reply()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(async socket =>
        {
            socket.Emit("welcome", 1);
            await Task.Yield();
            socket.Emit("welcome", 2);
        }));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40");

        SocketIOTestSupport.ConnectReplySid(await client.ReceiveAsync());
        Assert.Equal("""42["welcome",1]""", await client.ReceiveAsync());
        Assert.Equal("""42["welcome",2]""", await client.ReceiveAsync());
    }

    [Theory]
    [InlineData("40/custom")]
    [InlineData("40/custom,")]
    [InlineData("""40/custom,{"token":"x"}""")]
    public async Task Connect_to_a_custom_namespace_with_or_without_comma_and_auth_is_answered_on_that_namespace(string connect)
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io => log.Attach(io.Of("/custom")));
        await using var client = await server.ConnectAsync();

        await client.SendAsync(connect);
        var reply = await client.ReceiveAsync();

        var sid = SocketIOTestSupport.ConnectReplySid(reply, "/custom");
        Assert.Equal($"40/custom,{{\"sid\":\"{sid}\"}}", reply);
        var socket = await log.NextAsync();
        Assert.Equal("/custom", socket.Namespace.Name);
        Assert.Equal(sid, socket.Id);
    }

    [Theory]
    [InlineData("40", "{}")]
    [InlineData("""40{"token":"abc","n":[1,2.50]}""", """{"token":"abc","n":[1,2.50]}""")]
    [InlineData("40/custom", "{}")]
    [InlineData("""40/custom,{"token":"x"}""", """{"token":"x"}""")]
    public async Task Handshake_auth_is_the_connect_payload_or_an_empty_object(string connect, string expectedAuth)
    {
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            foreach (var ns in new[] { io.MainNamespace, io.Of("/custom") })
            {
                ns.OnConnection(socket => socket.Emit("auth", socket.Handshake.Auth));
            }
        });
        await using var client = await server.ConnectAsync();
        var ns = connect.StartsWith("40/custom", StringComparison.Ordinal) ? "/custom" : "/";

        await client.SendAsync(connect);
        SocketIOTestSupport.ConnectReplySid(await client.ReceiveAsync(), ns);

        // The conformance suite expects 42["auth",{}] for a bare 40.
        Assert.Equal($"42{SocketIOTestSupport.NspPrefix(ns)}[\"auth\",{expectedAuth}]", await client.ReceiveAsync());
    }

    [Theory]
    [InlineData("40/random", """44/random,{"message":"Invalid namespace"}""")]
    [InlineData("""40/random,{"token":"x"}""", """44/random,{"message":"Invalid namespace"}""")]
    [InlineData("40/?foo=bar,", """44/?foo=bar,{"message":"Invalid namespace"}""")]
    [InlineData("40/../../x,{}", """44/../../x,{"message":"Invalid namespace"}""")]
    public async Task Unknown_namespace_gets_invalid_namespace_and_the_connection_stays_up(string connect, string expected)
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.WithEcho());
        await using var client = await server.ConnectAsync();

        await client.SendAsync(connect);

        Assert.Equal(expected, await client.ReceiveAsync());
        await client.JoinAsync("/");
        await client.AssertEchoesAsync();
    }

    [Fact]
    public async Task Middleware_rejection_sends_connect_error_with_message_and_data()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.Of("/secure").Use(_ =>
            throw new SocketIOConnectionRejectedException("not authorized", SocketIOTestSupport.Json("""{"content":"Please retry later"}"""))));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/secure,");

        Assert.Equal("""44/secure,{"message":"not authorized","data":{"content":"Please retry later"}}""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Middleware_rejection_without_data_sends_only_the_message()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.Use(async _ =>
        {
            await Task.Yield();
            throw new SocketIOConnectionRejectedException("go away <now> & é");
        }));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40");

        // No HTML escaping (\u003C…), as JSON.stringify writes it.
        Assert.Equal("""44{"message":"go away <now> & é"}""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Middleware_failure_sends_internal_error_and_no_exception_details()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.Of("/secure").Use(_ =>
            throw new InvalidOperationException("secret connection string Password=hunter2")));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/secure,");
        var reply = await client.ReceiveAsync();

        Assert.Equal("""44/secure,{"message":"Internal error"}""", reply);
        Assert.DoesNotContain("hunter2", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperation", reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Middlewares_run_in_order_and_see_the_auth_before_the_socket_joins()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace
            .Use(socket =>
            {
                seen.Enqueue("first:" + socket.Handshake.Auth.GetProperty("token").GetString());
                return ValueTask.CompletedTask;
            })
            .Use(async socket =>
            {
                await Task.Delay(50);
                seen.Enqueue("second:joined=" + socket.Namespace.Sockets.ContainsKey(socket.Id));
            })
            .OnConnection(socket =>
            {
                seen.Enqueue("connection:joined=" + socket.Namespace.Sockets.ContainsKey(socket.Id));
                connected.TrySetResult();
            }));
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/", """{"token":"t0k"}""");
        await connected.Task.WaitAsync(TimeSpan.FromMilliseconds(SocketIOTestServer.BoundMs));

        Assert.Equal(["first:t0k", "second:joined=False", "connection:joined=True"], seen);
    }

    /// <summary>E4: a refused CONNECT leaves the Engine.IO connection open; the client may join another namespace.</summary>
    [Fact]
    public async Task Middleware_rejection_does_not_close_the_engine_connection()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io =>
            {
                io.Of("/secure").Use(_ => throw new SocketIOConnectionRejectedException("not authorized"));
                log.Attach(io.MainNamespace.WithEcho());
            },
            // Long enough that only a rejection could close the connection within this test.
            o => o.ConnectTimeout = TimeSpan.FromSeconds(30));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/secure,");
        Assert.Equal("""44/secure,{"message":"not authorized"}""", await client.ReceiveAsync());

        // Two full heartbeats (ping 300 ms) go by with nothing but pings: no close, no other packet.
        var pings = 0;
        while (pings < 2)
        {
            var frame = await client.ReceiveFrameAsync();
            Assert.Equal("2", frame.IsText ? frame.Text : frame.ToString());
            pings++;
        }

        await client.SendAsync("40/secure,");
        Assert.Equal("""44/secure,{"message":"not authorized"}""", await client.ReceiveAsync());
        await client.JoinAsync("/");
        await client.AssertEchoesAsync();
        Assert.True(client.IsOpen);
    }

    [Fact]
    public async Task Connection_that_joins_no_namespace_is_closed_after_the_connect_timeout()
    {
        await using var server = await SocketIOTestServer.StartAsync();
        var stopwatch = Stopwatch.StartNew();
        await using var client = await server.ConnectAsync();

        var frames = await client.WaitForCloseAsync(timeoutMs: 5000);

        // The timer is 1 s; pings were answered all along, so it is not a ping timeout.
        Assert.InRange(stopwatch.ElapsedMilliseconds, 900, 5000);
        Assert.All(frames, f => Assert.Equal("2", f.Text));
        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 108 && e.Message.Contains(client.EngineSid, StringComparison.Ordinal));
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task Connection_that_only_got_invalid_namespace_is_still_closed_by_the_connect_timeout()
    {
        await using var server = await SocketIOTestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40/nope");
        Assert.Equal("""44/nope,{"message":"Invalid namespace"}""", await client.ReceiveAsync());

        await client.WaitForCloseAsync(timeoutMs: 5000);
    }

    [Fact]
    public async Task Connection_that_joined_a_namespace_outlives_the_connect_timeout()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.WithEcho());
        await using var client = await server.ConnectToAsync("/");

        // 1.5 × the connect timeout, measured in heartbeats the client answered.
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.ElapsedMilliseconds < 1500)
        {
            var frame = await client.ReceiveFrameAsync();
            Assert.Equal("2", frame.IsText ? frame.Text : frame.ToString());
        }

        await client.AssertEchoesAsync();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/custom")]
    public async Task Client_disconnect_leaves_the_namespace_silently_and_the_engine_connection_keeps_pinging(string ns)
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            log.Attach(io.MainNamespace.WithEcho());
            log.Attach(io.Of("/custom").WithEcho());
        });
        await using var client = await server.ConnectToAsync(ns);
        var socket = await log.NextAsync();

        await client.SendAsync(ns == "/" ? "41" : $"41{ns},");

        Assert.Equal(SocketIODisconnectReason.ClientNamespaceDisconnect, await log.DisconnectReasonAsync(socket));
        Assert.False(socket.Connected);
        Assert.False(server.IO.Of(ns).Sockets.ContainsKey(socket.Id));

        // Nothing is sent back: the next frames are heartbeat pings (two, so the first pong was taken).
        Assert.Equal("2", (await client.ReceiveFrameAsync(3000)).Text);
        Assert.Equal("2", (await client.ReceiveFrameAsync(3000)).Text);
        Assert.True(client.IsOpen);

        // The connection can join again.
        await client.JoinAsync(ns);
        await client.AssertEchoesAsync(ns);
    }

    [Fact]
    public async Task Leaving_one_namespace_keeps_the_others_of_the_connection()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            log.Attach(io.MainNamespace.WithEcho());
            log.Attach(io.Of("/custom").WithEcho());
        });
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        await client.SendAsync("41/custom,");

        Assert.Equal(SocketIODisconnectReason.ClientNamespaceDisconnect, await log.DisconnectReasonAsync(custom));
        await client.AssertEchoesAsync("/");
        Assert.True(main.Connected);
    }

    [Fact]
    public async Task Client_closing_the_transport_disconnects_every_socket_with_transport_close()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            log.Attach(io.MainNamespace);
            log.Attach(io.Of("/custom"));
        });
        var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        await client.DisposeAsync();

        Assert.Equal(SocketIODisconnectReason.TransportClose, await log.DisconnectReasonAsync(main));
        Assert.Equal(SocketIODisconnectReason.TransportClose, await log.DisconnectReasonAsync(custom));
    }
}
