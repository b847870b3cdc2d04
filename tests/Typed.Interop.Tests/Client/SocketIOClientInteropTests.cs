using Typed.SocketIO;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// The .NET client against Node's socket.io 4.8 and against our server, in every transport mode (polling only,
/// WebSocket only, polling upgraded to WebSocket) with both parsers: the same scenarios, the same expectations.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientInteropTests
{
    public static TheoryData<string, string, string> Cases => Matrix();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Namespaces_share_one_connection_and_send_their_auth(string server, string mode, string parser)
    {
        await using var peer = await PeerServer.StartAsync(server, parser);
        await using var client = Create(peer.Uri, mode, parser);
        var root = client.Of("/", o => o.Auth = Map(("token", "abc"), ("label", "A")));
        var custom = client.Of("/custom", o => o.AuthProvider = _ => ValueTask.FromResult<object?>(Map(("token", "xyz"))));
        var rootLog = new EventLog(root);
        var customLog = new EventLog(custom);

        await ConnectAsync(root, mode);
        await custom.ConnectAsync().WaitAsync(Wait);

        Assert.Equal("""[{"token":"abc","label":"A"}]""", Canonical((await rootLog.WaitForAsync("auth")).Single()));
        Assert.Equal("""[{"token":"xyz"}]""", Canonical((await customLog.WaitForAsync("auth")).Single()));
        Assert.NotNull(root.Id);
        Assert.NotNull(custom.Id);
        Assert.NotEqual(root.Id, custom.Id);
        Assert.NotEqual(client.EngineId, root.Id);
        Assert.Same(client, custom.Client);
        Assert.Equal(["connect"], rootLog.Lifecycle);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Events_acks_and_binaries_round_trip_both_ways(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser, connect: false);
        var (_, client, socket, log) = session;
        var outgoing = new List<string>();
        socket.OnAnyOutgoing((name, _) => { lock (outgoing) { outgoing.Add(name); } });
        socket.On("question", e => e.Ack("answer-" + e.Arguments.GetValue<int>(0, SocketIOJson.CreateDefaultOptions())));
        await ConnectAsync(socket, mode);

        // Every JSON kind, byte-exact through the server and back.
        socket.Emit("message", 1, "2", Json("""{"3":[true]}"""), null, "héllo ✓", Json("[1.5,-2]"));
        Assert.Equal("""[1,"2",{"3":[true]},null,"héllo ✓",[1.5,-2]]""", Canonical((await log.WaitForAsync("message-back")).Single()));

        // Client → server acknowledgements, with and without arguments.
        var ack = await socket.EmitWithAckAsync("message-with-ack", [1, "two", Json("""{"three":3}""")], Wait);
        Assert.Equal("""[1,"two",{"three":3}]""", Canonical(ack));
        Assert.Equal(0, (await socket.EmitWithAckAsync("message-with-ack", [], Wait)).Count);

        // Server → client acknowledgement: the server asks, our handler answers through Ack.
        socket.Emit("request-question");
        Assert.Equal("""["answer-42"]""", Canonical((await log.WaitForAsync("question-answered")).Single()));

        // Binary both ways, nested and empty included.
        var big = Enumerable.Range(0, 1000).Select(i => (byte)((i * 31 + 7) & 255)).ToArray();
        socket.Emit("binary", new byte[] { 1, 2, 3 }, new ReadOnlyMemory<byte>([]), big);
        var back = (await log.WaitForAsync("binary-back")).Single();
        Assert.Equal(3, back.Count);
        Assert.Equal([1, 2, 3], back.GetBytes(0).ToArray());
        Assert.Empty(back.GetBytes(1).ToArray());
        Assert.Equal(big, back.GetBytes(2).ToArray());
        var binaryAck = await socket.EmitWithAckAsync("binary-ack", [new byte[] { 9, 9 }], Wait);
        Assert.Equal("""[{"$bin":"0909"},"ok"]""", Canonical(binaryAck));

        lock (outgoing)
        {
            Assert.Equal(["message", "message-with-ack", "message-with-ack", "request-question", "binary", "binary-ack"], outgoing);
        }

        await AssertTransportAsync(client, mode);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Emits_from_many_threads_keep_each_thread_s_order(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser);
        var (peer, client, socket, log) = session;

        const int threads = 4, each = 50;
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
            {
                socket.Emit("message", "seq", t, i);
            }
        })));

        var echoes = await log.WaitForAsync("message-back", threads * each);
        for (var t = 0; t < threads; t++)
        {
            var sequence = echoes.Where(e => e.GetValue<int>(1, SocketIOJson.CreateDefaultOptions()) == t)
                .Select(e => e.GetValue<int>(2, SocketIOJson.CreateDefaultOptions())).ToArray();
            Assert.Equal(Enumerable.Range(0, each), sequence);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Emits_made_while_disconnected_are_sent_in_order_on_connect_and_volatile_ones_are_dropped(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser, connect: false);
        var (_, _, socket, log) = session;

        socket.Emit("message", "buffered", 1);
        socket.EmitVolatile("message", "volatile");
        var ack = socket.EmitWithAckAsync("message-with-ack", ["buffered-ack"], Wait);
        socket.Emit("message", "buffered", 2);
        await socket.ConnectAsync().WaitAsync(Wait);

        var echoes = await log.WaitForAsync("message-back", 2);
        Assert.Equal("""["buffered",1]""", Canonical(echoes[0]));
        Assert.Equal("""["buffered",2]""", Canonical(echoes[1]));
        Assert.Equal("""["buffered-ack"]""", Canonical(await ack));

        // Emitted now, after everything buffered: it arrives last, and the volatile emit never arrived.
        socket.Emit("message", "after");
        echoes = await log.WaitForAsync("message-back", 3);
        Assert.Equal("""["after"]""", Canonical(echoes[2]));
        Assert.Equal(3, log.Named("message-back").Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Refused_namespaces_give_connect_errors_without_retry_and_leave_the_others_connected(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser);
        var (_, client, root, rootLog) = session;
        var engineId = client.EngineId;

        var secure = client.Of("/secure");
        var secureLog = new EventLog(secure);
        var refused = await Assert.ThrowsAsync<SocketIOConnectException>(() => secure.ConnectAsync().WaitAsync(Wait));
        Assert.True(refused.IsRejectedByServer);
        Assert.Equal("not authorized", refused.Message);
        Assert.Equal("""{"content":"Please retry later"}""", refused.ServerData?.GetRawText());
        Assert.False(secure.IsActive);
        await secureLog.WaitForLifecycleAsync("connect_error:not authorized");

        var unknown = await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/nope").ConnectAsync().WaitAsync(Wait));
        Assert.True(unknown.IsRejectedByServer);
        Assert.Equal("Invalid namespace", unknown.Message);
        Assert.Null(unknown.ServerData);

        await Task.Delay(500);
        Assert.Equal(["connect_error:not authorized"], secureLog.Lifecycle);
        Assert.Equal(0, session.ReconnectAttempts);
        Assert.True(root.IsConnected);
        Assert.Equal(engineId, client.EngineId);
        Assert.Equal("""["still here"]""", Canonical(await root.EmitWithAckAsync("message-with-ack", ["still here"], Wait)));
        Assert.Equal(["connect"], rootLog.Lifecycle);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Retries_deliver_an_emit_whose_first_tries_go_unanswered(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser, o =>
        {
            o.Retries = 3;
            o.AckTimeout = TimeSpan.FromMilliseconds(500);
        });
        var socket = session.Socket;
        var key = Guid.NewGuid().ToString("N");

        // The server answers from the 3rd receipt on: two timeouts, then a later try is acknowledged (the third, or
        // a fourth when a loaded machine delays the third's answer past the timeout).
        var delivered = await socket.EmitWithAckAsync("ack-on-try", [key, 3]).WaitAsync(Wait);
        Assert.Equal("ok", delivered.GetString(0));
        Assert.InRange(delivered.GetValue<int>(1, SocketIOJson.CreateDefaultOptions()), 3, 4);

        // Never answered: 1 try + 3 retries, then the timeout surfaces; the server saw all four.
        var never = Guid.NewGuid().ToString("N");
        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => socket.EmitWithAckAsync("ack-on-try", [never, 100]).WaitAsync(Wait));
        // (5, or 6 when this answer itself came later than the timeout on a loaded machine and was retried once.)
        var afterNever = await socket.EmitWithAckAsync("ack-on-try", [never, 1]).WaitAsync(Wait);
        Assert.InRange(afterNever.GetValue<int>(1, SocketIOJson.CreateDefaultOptions()), 5, 6);

        // In retry mode every emit waits its turn: the last one is answered only once the five before it were.
        var before = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 5; i++)
        {
            socket.Emit("ack-on-try", before, 1);
        }

        var sixth = await socket.EmitWithAckAsync("ack-on-try", [before, 1]).WaitAsync(Wait);
        Assert.True(sixth.GetValue<int>(1, SocketIOJson.CreateDefaultOptions()) >= 6, Canonical(sixth));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_lost_transport_reconnects_by_itself_with_fresh_auth_and_carries_on(string server, string mode, string parser)
    {
        var tokens = 0;
        await using var session = await ClientSession.StartAsync(server, mode, parser,
            o => o.AuthProvider = _ => ValueTask.FromResult<object?>(Map(("token", "t" + Interlocked.Increment(ref tokens)))));
        var (_, client, socket, log) = session;
        var reconnected = 0;
        client.Reconnected += _ => Interlocked.Increment(ref reconnected);
        var firstId = socket.Id;

        socket.Emit("kill-transport");
        await log.WaitForLifecycleAsync("disconnect:transport close");
        await log.WaitForLifecycleAsync("connect", 2);

        Assert.Equal(["connect", "disconnect:transport close", "connect"], log.Lifecycle);
        Assert.Equal(1, reconnected);
        Assert.NotEqual(firstId, socket.Id);
        var auths = await log.WaitForAsync("auth", 2);
        Assert.Equal("""[{"token":"t1"}]""", Canonical(auths[0]));
        Assert.Equal("""[{"token":"t2"}]""", Canonical(auths[1]));
        await AssertTransportAsync(client, mode);
        Assert.Equal("""["again"]""", Canonical(await socket.EmitWithAckAsync("message-with-ack", ["again"], Wait)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_server_side_disconnect_is_final_until_the_application_connects_again(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser);
        var (peer, client, socket, log) = session;

        socket.Emit("disconnect-me");
        await log.WaitForLifecycleAsync("disconnect:io server disconnect");
        Assert.False(socket.IsActive);
        Assert.False(socket.IsConnected);
        await Task.Delay(800);
        Assert.Equal(0, session.ReconnectAttempts);
        Assert.Equal(["connect", "disconnect:io server disconnect"], log.Lifecycle);

        await socket.ConnectAsync().WaitAsync(Wait);
        Assert.Equal("""["back"]""", Canonical(await socket.EmitWithAckAsync("message-with-ack", ["back"], Wait)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_server_restart_is_survived_and_buffered_emits_are_delivered_after_it(string server, string mode, string parser)
    {
        await using var session = await ClientSession.StartAsync(server, mode, parser);
        var (peer, client, socket, log) = session;

        await peer.StopAsync();
        await log.WaitForLifecycleCountAsync(2);
        Assert.StartsWith("disconnect:", log.Lifecycle[1]);
        Assert.True(socket.IsActive);

        socket.Emit("message", "while-down", 1);
        var ack = socket.EmitWithAckAsync("message-with-ack", ["while-down-ack"], Wait * 2);
        socket.Emit("message", "while-down", 2);
        await Task.Delay(300);
        await peer.RestartAsync();

        await log.WaitForLifecycleAsync("connect", 2);
        Assert.True(session.ReconnectAttempts >= 1);
        var echoes = await log.WaitForAsync("message-back", 2);
        Assert.Equal("""["while-down",1]""", Canonical(echoes[0]));
        Assert.Equal("""["while-down",2]""", Canonical(echoes[1]));
        Assert.Equal("""["while-down-ack"]""", Canonical(await ack));
        await AssertTransportAsync(client, mode);
    }
}
