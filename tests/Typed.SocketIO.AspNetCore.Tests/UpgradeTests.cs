using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The polling → WebSocket upgrade (SPEC-NOTES A8, BAD-INPUTS B6–B12) and the heartbeat on WebSocket (A7).
/// Most tests use a 20 s ping interval so no ping interferes with what they check; a noop that arrives in
/// well under 2 s can then only come from the upgrade.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class UpgradeTests
{
    private const int Prompt = 2000;

    private static Task<EngineIOTestServer> StartQuietServerAsync(Action<EngineIOOptions>? configure = null) =>
        EngineIOTestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(20);
            o.PingTimeout = TimeSpan.FromSeconds(20);
            configure?.Invoke(o);
        });

    private static string UpgradeQuery(string sid) => $"EIO=4&transport=websocket&sid={sid}";

    /// <summary>Opens the probe WebSocket for <paramref name="sid"/> and exchanges <c>2probe</c> / <c>3probe</c>.</summary>
    private static async Task<ClientWebSocket> ProbeAsync(EngineIOTestServer server, string sid)
    {
        var socket = await server.ConnectWebSocketAsync(UpgradeQuery(sid));
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());
        return socket;
    }

    /// <summary>The whole client side of an upgrade: probe, then <c>5</c>.</summary>
    private static async Task<ClientWebSocket> UpgradeAsync(EngineIOTestServer server, string sid)
    {
        var socket = await ProbeAsync(server, sid);
        await socket.SendTextAsync("5");
        return socket;
    }

    private static async Task<string> BodyWithinAsync(Task<HttpResponseMessage> request, int timeoutMs)
    {
        using var response = await request.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task AssertBadRequestJsonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"code":3,"message":"Bad request"}""", await response.Content.ReadAsStringAsync());
    }

    /// <summary>The WebSocket is (or becomes, within the timeout) closed by the server.</summary>
    private static async Task AssertClosedByServerAsync(WebSocket socket, int timeoutMs = 5000)
    {
        await socket.WaitForCloseAsync(timeoutMs);
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    /// <summary>The server's close frame arrives promptly (well before the 10 s upgrade timeout).</summary>
    private static async Task AssertReceivesCloseFrameAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Prompt);
        var result = await socket.ReceiveAsync(new byte[1024], timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
    }

    [Fact]
    public async Task Pending_get_is_answered_with_a_noop_soon_after_the_probe()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        var pending = server.PollAsync(sid);
        await Task.Delay(100);
        Assert.False(pending.IsCompleted, "the GET should be held open while nothing is queued");

        using var socket = await ProbeAsync(server, sid);

        Assert.Equal("6", await BodyWithinAsync(pending, Prompt));
    }

    [Fact]
    public async Task Every_get_made_during_the_upgrade_is_answered_with_a_noop_promptly()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        var first = server.PollAsync(sid);
        using var socket = await ProbeAsync(server, sid);
        Assert.Equal("6", await BodyWithinAsync(first, Prompt));

        // A JS client can have a second GET in flight; answering only the first leaves it hanging until the next ping.
        for (var i = 0; i < 3; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            Assert.Equal("6", await BodyWithinAsync(server.PollAsync(sid), Prompt));
            Assert.InRange(stopwatch.ElapsedMilliseconds, 0, Prompt);
        }

        Assert.Equal(EngineIOTransport.Polling, server.Handler.Socket(sid).Transport);
    }

    [Fact]
    public async Task After_the_upgrade_packet_server_messages_and_echoes_travel_on_the_websocket()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        var pending = server.PollAsync(sid);
        using var socket = await ProbeAsync(server, sid);
        Assert.Equal("6", await BodyWithinAsync(pending, Prompt));
        Assert.Equal(EngineIOTransport.Polling, server.Handler.Socket(sid).Transport);

        await socket.SendTextAsync("5");
        await socket.SendTextAsync("4from client");
        Assert.Equal("4from client", await socket.ReceiveTextAsync());
        server.Handler.Socket(sid).Send("from server");
        Assert.Equal("4from server", await socket.ReceiveTextAsync());

        Assert.Equal(EngineIOTransport.WebSocket, server.Handler.Socket(sid).Transport);
        Assert.False(server.Handler.IsClosed(sid));
    }

    [Fact]
    public async Task Packets_queued_during_the_probe_are_flushed_on_the_websocket_in_order_after_the_upgrade_packet()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        var pending = server.PollAsync(sid);
        using var socket = await ProbeAsync(server, sid);
        Assert.Equal("6", await BodyWithinAsync(pending, Prompt));

        // No GET is pending now (the client has paused polling), so these wait in the session's buffer.
        var serverSocket = server.Handler.Socket(sid);
        serverSocket.Send("q1");
        serverSocket.Send("q2");
        serverSocket.Send(new byte[] { 7, 8, 9 });
        serverSocket.Send("q3");
        await socket.SendTextAsync("5");

        Assert.Equal("4q1", await socket.ReceiveTextAsync());
        Assert.Equal("4q2", await socket.ReceiveTextAsync());
        var (type, data) = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal([7, 8, 9], data);
        Assert.Equal("4q3", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_server_close_during_the_probe_is_delivered_on_the_websocket_after_the_upgrade_packet()
    {
        // The reference's close() waits for the write buffer to drain, through an upgrade that completes meanwhile
        // (engine.io socket.ts: close -> once("drain"), and "5" is accepted until the socket is closed). A client
        // that paused polling for the upgrade must get what was queued, then the close, on the new WebSocket — not
        // a reset of the probe socket (socket.io-client would see "transport close" instead of the server's
        // disconnect).
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        var pending = server.PollAsync(sid);
        using var socket = await ProbeAsync(server, sid);
        Assert.Equal("6", await BodyWithinAsync(pending, Prompt));

        var serverSocket = server.Handler.Socket(sid);
        serverSocket.Send("last words");
        serverSocket.Close();
        await socket.SendTextAsync("5");

        Assert.Equal("4last words", await socket.ReceiveTextAsync());
        await AssertReceivesCloseFrameAsync(socket);
    }

    /// <summary>
    /// A polling request the upgrade discarded may still be running: here a POST whose body the server is reading when
    /// <c>5</c> arrives, and whose connection then breaks. Its failure belongs to a transport that no longer carries
    /// the session (engine.io's <c>clearTransport</c> silences it): the upgraded session and its WebSocket go on.
    /// </summary>
    [Fact]
    public async Task A_polling_request_the_upgrade_discarded_failing_afterwards_leaves_the_upgraded_session_open()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var socket = await ProbeAsync(server, sid);

        // A POST that is inside the server (Kestrel answers 100-continue when the handler starts reading the body),
        // with only part of its body sent.
        using var post = new System.Net.Sockets.TcpClient();
        await post.ConnectAsync(IPAddress.Loopback, server.BaseUri.Port);
        var stream = post.GetStream();
        var head = $"POST /engine.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        var answer = new byte[64];
        using (var timeout = new CancellationTokenSource(Prompt))
        {
            var read = await stream.ReadAsync(answer, timeout.Token);
            Assert.StartsWith("HTTP/1.1 100", System.Text.Encoding.ASCII.GetString(answer, 0, read));
        }

        await stream.WriteAsync("4partial"u8.ToArray());
        await socket.SendTextAsync("5");
        await socket.SendTextAsync("4upgraded");
        Assert.Equal("4upgraded", await socket.ReceiveTextAsync());

        // The POST's connection breaks (a reset): the discarded transport fails.
        post.Client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        post.Close();
        await server.Logs.WaitForAsync(e => e.Message.Contains("POST body aborted", StringComparison.Ordinal), 1);

        // What the server made of it: ignored (event 10), or the session closed (event 2).
        await server.Logs.WaitForAsync(e => e.EventId.Id == 10 || (e.EventId.Id == 2 && e.Message.Contains(sid, StringComparison.Ordinal)), 1);

        Assert.False(server.Handler.IsClosed(sid));
        await socket.SendTextAsync("4still upgraded");
        Assert.Equal("4still upgraded", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task After_the_upgrade_polling_get_and_post_on_the_sid_get_400_bad_request()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var socket = await UpgradeAsync(server, sid);
        await socket.SendTextAsync("4ready");
        Assert.Equal("4ready", await socket.ReceiveTextAsync());

        using (var get = await server.PollAsync(sid))
        {
            await AssertBadRequestJsonAsync(get);
        }

        using (var post = await server.PostAsync(sid, "4sneaky"))
        {
            await AssertBadRequestJsonAsync(post);
        }

        // The mismatched requests leave the WebSocket session alone.
        Assert.False(server.Handler.IsClosed(sid));
        await socket.SendTextAsync("4still here");
        Assert.Equal("4still here", await socket.ReceiveTextAsync());
    }

    [Fact]
    public async Task Upgrade_packet_without_a_probe_is_accepted()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var socket = await server.ConnectWebSocketAsync(UpgradeQuery(sid));

        await socket.SendTextAsync("5");
        await socket.SendTextAsync("4no probe");

        Assert.Equal("4no probe", await socket.ReceiveTextAsync());
        Assert.Equal(EngineIOTransport.WebSocket, server.Handler.Socket(sid).Transport);
    }

    [Theory]
    [InlineData("4hello")]
    [InlineData("2")]
    [InlineData("3probe")]
    public async Task Any_other_packet_on_the_probe_socket_before_upgrade_closes_it_and_polling_continues(string packet)
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var socket = await server.ConnectWebSocketAsync(UpgradeQuery(sid));
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());

        await socket.SendTextAsync(packet);

        await AssertClosedByServerAsync(socket);
        Assert.False(server.Handler.IsClosed(sid));
        Assert.Equal(EngineIOTransport.Polling, server.Handler.Socket(sid).Transport);
        using (var post = await server.PostAsync(sid, "4after"))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Equal("4after", await BodyWithinAsync(server.PollAsync(sid), Prompt));

        // The packet sent on the probe socket was not delivered as a message: the next one the handler saw is the POST's.
        var first = await server.Handler.NextMessageAsync();
        Assert.Equal("after", System.Text.Encoding.UTF8.GetString(first.Data));
    }

    [Fact]
    public async Task Probe_without_upgrade_packet_is_closed_after_the_upgrade_timeout_and_polling_continues()
    {
        await using var server = await StartQuietServerAsync(o => o.UpgradeTimeout = TimeSpan.FromMilliseconds(1000));
        var sid = await server.HandshakeAsync();
        var stopwatch = Stopwatch.StartNew();
        using var socket = await server.ConnectWebSocketAsync(UpgradeQuery(sid));
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());

        await AssertClosedByServerAsync(socket, timeoutMs: 5000);
        Assert.InRange(stopwatch.ElapsedMilliseconds, 900, 5000);

        Assert.False(server.Handler.IsClosed(sid));
        Assert.Equal(EngineIOTransport.Polling, server.Handler.Socket(sid).Transport);
        using (var post = await server.PostAsync(sid, "4after timeout"))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Equal("4after timeout", await BodyWithinAsync(server.PollAsync(sid), Prompt));
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("AAAAAAAAAAAAAAAAAAAA")]
    public async Task Upgrade_with_an_unknown_sid_is_refused_with_400_and_no_101(string sid)
    {
        await using var server = await StartQuietServerAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(server.WebSocketUrl(UpgradeQuery(sid)), timeout.Token));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task Second_websocket_while_upgrading_is_accepted_then_closed_and_the_first_upgrade_completes()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var first = await ProbeAsync(server, sid);

        using var second = await server.ConnectWebSocketAsync(UpgradeQuery(sid));
        await AssertReceivesCloseFrameAsync(second);

        await first.SendTextAsync("5");
        await first.SendTextAsync("4first");
        Assert.Equal("4first", await first.ReceiveTextAsync());
        Assert.Equal(EngineIOTransport.WebSocket, server.Handler.Socket(sid).Transport);
        Assert.False(server.Handler.IsClosed(sid));
    }

    [Fact]
    public async Task Second_websocket_after_the_upgrade_is_accepted_then_closed_and_the_session_is_unaffected()
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var first = await UpgradeAsync(server, sid);
        await first.SendTextAsync("4upgraded");
        Assert.Equal("4upgraded", await first.ReceiveTextAsync());

        using var second = await server.ConnectWebSocketAsync(UpgradeQuery(sid));
        await AssertReceivesCloseFrameAsync(second);

        Assert.False(server.Handler.IsClosed(sid));
        await first.SendTextAsync("4still upgraded");
        Assert.Equal("4still upgraded", await first.ReceiveTextAsync());
        Assert.Equal(EngineIOTransport.WebSocket, server.Handler.Socket(sid).Transport);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WebSocket_handshake_with_transport_polling_is_refused(bool withSid)
    {
        await using var server = await StartQuietServerAsync();
        var sid = await server.HandshakeAsync();
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var query = withSid ? $"EIO=4&transport=polling&sid={sid}" : "EIO=4&transport=polling";

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(server.WebSocketUrl(query), timeout.Token));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        Assert.False(server.Handler.IsClosed(sid));
        using (var post = await server.PostAsync(sid, "4polling still works"))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        Assert.Equal("4polling still works", await BodyWithinAsync(server.PollAsync(sid), Prompt));
    }

    [Fact]
    public async Task Direct_websocket_session_without_sid_opens_and_exchanges_messages()
    {
        await using var server = await StartQuietServerAsync();
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");

        var open = await socket.ReceiveTextAsync();
        Assert.StartsWith("0{", open);
        using var json = JsonDocument.Parse(open.AsMemory(1));
        var sid = json.RootElement.GetProperty("sid").GetString()!;
        Assert.Empty(json.RootElement.GetProperty("upgrades").EnumerateArray());

        await socket.SendTextAsync("4direct");
        Assert.Equal("4direct", await socket.ReceiveTextAsync());
        Assert.Equal(EngineIOTransport.WebSocket, server.Handler.Socket(sid).Transport);
    }

    [Fact]
    public async Task WebSocket_heartbeat_pings_answered_with_pongs_keep_the_session_alive()
    {
        // Ping every 300 ms, with the test server's 2 s pong deadline: a 400 ms one was missed once by this test's own
        // answers on a busy 2-core machine (the session timed out and its WebSocket was reset).
        await using var server = await EngineIOTestServer.StartAsync();
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");
        var open = await socket.ReceiveTextAsync();
        var sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;

        var pings = 0;
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.ElapsedMilliseconds < 5000)
        {
            Assert.Equal("2", await socket.ReceiveTextAsync(timeoutMs: 3000));
            pings++;
            await socket.SendTextAsync("3");
        }

        // Well past pingInterval + pingTimeout (2.3 s), twice over.
        Assert.True(pings >= 3, $"expected at least 3 pings in 5 s, got {pings}");
        Assert.False(server.Handler.IsClosed(sid));
        await socket.SendTextAsync("4alive");
        Assert.Equal("4alive", await socket.ReceiveTextSkippingPingsAsync());
    }

    [Fact]
    public async Task WebSocket_session_without_pong_closes_with_ping_timeout_and_the_socket_closes()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");
        var open = await socket.ReceiveTextAsync();
        var sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;

        Assert.Equal("2", await socket.ReceiveTextAsync(timeoutMs: 3000));

        Assert.Equal(EngineIOCloseReason.PingTimeout, await server.Handler.WaitForCloseAsync(sid));
        await AssertClosedByServerAsync(socket);
    }
}
