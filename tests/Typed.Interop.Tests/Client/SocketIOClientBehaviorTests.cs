using System.Net;
using System.Net.Sockets;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using Typed.SocketIO.Protocol;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// Client behaviour that does not depend on the transport or the parser: connection failures and the reconnection
/// policy, acknowledgement timeouts and cancellation, buffering opt-out, disposal. Run against Node's socket.io.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientBehaviorTests
{
    [Fact]
    public async Task A_failed_first_connection_is_retried_until_the_server_appears()
    {
        var port = FreePort();
        await using var client = Create(new Uri($"http://127.0.0.1:{port}"), "websocket", "json");
        var socket = client.Of("/");
        var log = new EventLog(socket);
        var connecting = socket.ConnectAsync();

        await log.WaitForLifecycleCountAsync(2);
        Assert.All(log.Lifecycle, entry => Assert.StartsWith("connect_error:", entry));
        Assert.False(connecting.IsCompleted);

        await using var server = await NodeServer.StartOnPortAsync("sio-reference-server.mjs", port);
        await connecting.WaitAsync(Wait);
        Assert.True(socket.IsConnected);
    }

    [Fact]
    public async Task Reconnection_gives_up_after_the_configured_attempts()
    {
        await using var client = Create(new Uri($"http://127.0.0.1:{FreePort()}"), "polling", "json", o => o.ReconnectionAttempts = 2);
        var attempts = new List<int>();
        var failed = 0;
        client.ReconnectAttempt += attempts.Add;
        client.ReconnectFailed += () => Interlocked.Increment(ref failed);

        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/").ConnectAsync().WaitAsync(Wait));
        Assert.False(error.IsRejectedByServer);
        Assert.Equal([1, 2], attempts);
        Assert.Equal(1, failed);
    }

    [Fact]
    public async Task Without_reconnection_a_connection_lost_before_the_namespace_answers_fails_ConnectAsync()
    {
        // sio-client-api-server.mjs: /early's middleware holds the socket (its CONNECT stays unanswered) and "kill"
        // on / closes the Engine.IO session.
        await using var server = await NodeServer.StartAsync("sio-client-api-server.mjs", TolerantHeartbeat.NodeArguments);
        await using var client = Create(new Uri(server.BaseUrl), "websocket", "json", o => o.Reconnection = false);
        var main = client.Of("/");
        await main.ConnectAsync().WaitAsync(Wait);
        var connecting = client.Of("/early").ConnectAsync();
        await SocketIOClientReceiveBufferTests.WaitForEventAsync(server, "early-held");

        main.Emit("kill");
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => connecting.WaitAsync(Wait));
        Assert.False(error.IsRejectedByServer);
        Assert.Contains("transport close", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_reconnection_a_failed_connection_fails_at_once()
    {
        await using var client = Create(new Uri($"http://127.0.0.1:{FreePort()}"), "websocket", "json", o => o.Reconnection = false);
        var attempts = 0;
        client.ReconnectAttempt += _ => attempts++;

        await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/").ConnectAsync().WaitAsync(Wait));
        Assert.Equal(0, attempts);
    }

    [Fact]
    public async Task An_ack_times_out_or_is_cancelled_and_a_late_answer_is_ignored()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(Wait);

        // "message" is echoed but never acknowledged.
        var timedOut = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => socket.EmitWithAckAsync("message", TimeSpan.FromMilliseconds(200), "x"));
        Assert.Equal("operation has timed out", timedOut.Message);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => socket.EmitWithAckAsync("message", ["y"], cancellationToken: cancel.Token));

        // The default timeout of the socket's options applies when the emit gives none.
        var withDefault = client.Of("/custom", o => o.AckTimeout = TimeSpan.FromMilliseconds(200));
        await withDefault.ConnectAsync().WaitAsync(Wait);
        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => withDefault.EmitWithAckAsync("message", ["z"]));
        Assert.Equal("""["fine"]""", Canonical(await socket.EmitWithAckAsync("message-with-ack", ["fine"], Wait)));
    }

    [Fact]
    public async Task A_sent_emit_awaiting_its_ack_fails_when_the_socket_disconnects()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "polling", "json");
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(Wait);

        var pending = socket.EmitWithAckAsync("message", ["never acknowledged"]);
        socket.Disconnect();

        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => pending.WaitAsync(Wait));
    }

    [Fact]
    public async Task With_buffering_off_an_emit_while_disconnected_throws_instead_of_waiting()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var socket = client.Of("/", o => o.BufferWhileDisconnected = false);

        Assert.Throws<SocketIODisconnectedException>(() => socket.Emit("message", 1));
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => socket.EmitWithAckAsync("message-with-ack", [1]));

        await socket.ConnectAsync().WaitAsync(Wait);
        Assert.Equal("[1]", Canonical(await socket.EmitWithAckAsync("message-with-ack", [1], Wait)));
    }

    [Fact]
    public async Task A_handler_may_await_an_acknowledgement_while_later_events_wait_their_turn()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");

        // One handler at a time (the default runs them in parallel, as Node does): later events wait their turn.
        await using var client = Create(peer.Uri, "websocket", "json", o => o.MaxParallelHandlersPerSocket = 1);
        var socket = client.Of("/");
        var order = new List<string>();
        socket.On("message-back", async e =>
        {
            var tag = e.Arguments.GetString(0)!;
            if (tag == "first")
            {
                // The acknowledgement is read while this handler waits: the receive path is not blocked by it.
                var ack = await socket.EmitWithAckAsync("message-with-ack", ["inner"], Wait);
                tag += "+" + ack.GetString(0);
            }

            lock (order)
            {
                order.Add(tag);
            }
        });
        await socket.ConnectAsync().WaitAsync(Wait);

        socket.Emit("message", "first");
        socket.Emit("message", "second");
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline && order.Count < 2)
        {
            await Task.Delay(10);
        }

        Assert.Equal(["first+inner", "second"], order);
    }

    [Fact]
    public async Task An_open_notice_that_arrives_after_its_connection_closed_is_ignored_and_the_next_connection_connects_the_socket()
    {
        await using var lost = await LostConnection.StartAsync();
        var (peer, client, socket, log, epochOfTheLostConnection) = lost;

        // The race made deterministic: the connection closed between its open and the open's notice to this socket,
        // which arrives only now. Acted upon, it would mark a CONNECT as sent on no connection, and the next
        // connection would find the socket "already connecting": no CONNECT on it, until the server dropped it for
        // want of one (1 s here; socket.io's default is 45 s, beyond the client's own connect timeout, which would
        // then fail the socket for good) and a further connection sent it.
        socket.OnConnectionOpen(epochOfTheLostConnection);

        var opensAfterRestart = 0;
        client.Opened += () => Interlocked.Increment(ref opensAfterRestart);
        await peer.RestartAsync();
        await log.WaitForLifecycleAsync("connect", 2);
        Assert.Equal(1, Volatile.Read(ref opensAfterRestart));
        Assert.True(socket.IsConnected);
        Assert.DoesNotContain(log.Lifecycle, entry => entry.Contains("timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_packet_of_a_closed_connection_handed_over_late_cannot_disconnect_or_refuse_the_socket_on_the_next_one()
    {
        await using var lost = await LostConnection.StartAsync();
        var (peer, client, socket, log, epochOfTheLostConnection) = lost;
        await peer.RestartAsync();
        await log.WaitForLifecycleAsync("connect", 2);
        var id = socket.Id;

        // The race made deterministic: the lost connection's receive loop hands over its last packets only now,
        // after the socket has connected again on the next connection.
        socket.HandlePacket(new SocketIOPacket { Type = SocketIOPacketType.Disconnect, Namespace = "/" }, epochOfTheLostConnection);
        socket.HandlePacket(new SocketIOPacket { Type = SocketIOPacketType.ConnectError, Namespace = "/", Data = """{"message":"stale"}"""u8.ToArray() }, epochOfTheLostConnection);

        Assert.True(socket.IsConnected);
        Assert.True(socket.IsActive);
        Assert.Equal(id, socket.Id);
        Assert.Equal("""["still here"]""", Canonical(await socket.EmitWithAckAsync("message-with-ack", ["still here"], Wait)));
        Assert.DoesNotContain(log.Lifecycle, entry => entry.Contains("io server disconnect", StringComparison.Ordinal) || entry.Contains("stale", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposing_the_client_disconnects_with_forced_close_and_stops_reconnecting()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        var client = Create(peer.Uri, "websocket", "json");
        var attempts = 0;
        client.ReconnectAttempt += _ => attempts++;
        var socket = client.Of("/");
        var log = new EventLog(socket);
        await socket.ConnectAsync().WaitAsync(Wait);

        await client.DisposeAsync();
        await log.WaitForLifecycleAsync("disconnect:forced close");
        await Task.Delay(300);
        Assert.Equal(0, attempts);
        Assert.Throws<ObjectDisposedException>(() => client.Of("/other"));
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Handler_failures_surface_through_HandlerFailed_and_the_socket_carries_on()
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        await using var client = Create(peer.Uri, "websocket", "json");
        var failures = new List<string>();
        client.HandlerFailed += (name, ex) => { lock (failures) { failures.Add(name + ":" + ex.Message); } };
        var socket = client.Of("/");
        socket.On("message-back", _ => throw new InvalidOperationException("boom"));
        await socket.ConnectAsync().WaitAsync(Wait);

        socket.Emit("message", 1);
        Assert.Equal("[2]", Canonical(await socket.EmitWithAckAsync("message-with-ack", [2], Wait)));
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline && failures.Count == 0)
        {
            await Task.Delay(10);
        }

        Assert.Equal(["message-back:boom"], failures);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task Every_request_goes_through_the_application_s_handler_with_its_query_and_headers(string mode)
    {
        await using var peer = await PeerServer.StartAsync("node", "json");
        using var handler = new RecordingHandler();
        await using var client = Create(peer.Uri, mode, "json", o =>
        {
            o.HttpMessageHandler = handler;
            o.Query["room"] = "a b";
            o.ExtraHeaders["X-Client"] = "typed";
        });
        var socket = client.Of("/");
        await ConnectAsync(socket, mode);
        Assert.Equal("[1]", Canonical(await socket.EmitWithAckAsync("message-with-ack", [1], Wait)));

        var requests = handler.Requests;
        Assert.NotEmpty(requests);
        Assert.All(requests, r =>
        {
            Assert.Contains("room=a%20b", r.Query);
            Assert.Equal("typed", r.Header);
        });
        if (mode != "polling")
        {
            Assert.Contains(requests, r => r.Query.Contains("transport=websocket"));
        }
    }

    /// <summary>Sees every request the client makes (polling requests and WebSocket handshakes), then sends it on.</summary>
    private sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly List<(string Query, string? Header)> _requests = [];

        public IReadOnlyList<(string Query, string? Header)> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (_requests)
            {
                _requests.Add((request.RequestUri!.Query, request.Headers.TryGetValues("X-Client", out var values) ? values.Single() : null));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A connected socket whose connection was then lost (the server stopped), and that connection's epoch.</summary>
    private sealed record LostConnection(PeerServer Peer, SocketIOClient Client, SocketIOClientSocket Socket, EventLog Log, int Epoch) : IAsyncDisposable
    {
        public static async Task<LostConnection> StartAsync()
        {
            var peer = await PeerServer.StartAsync("node", "json");
            var client = Create(peer.Uri, "websocket", "json");
            var socket = client.Of("/");
            var log = new EventLog(socket);
            await socket.ConnectAsync().WaitAsync(Wait);
            var lost = new LostConnection(peer, client, socket, log, client.ConnectionEpoch);

            await peer.StopAsync();
            await log.WaitForLifecycleCountAsync(2);
            Assert.StartsWith("disconnect:", log.Lifecycle[1]);
            return lost;
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Peer.DisposeAsync();
        }
    }
}
