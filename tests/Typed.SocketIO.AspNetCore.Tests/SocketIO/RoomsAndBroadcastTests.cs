using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// Rooms and broadcasts (SPEC-NOTES B4 9, C3 broadcast acks; BAD-INPUTS F3). Who does not receive a broadcast is
/// proven without sleeping: a later <c>marker</c> emit to everyone must be the very next frame it gets.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class RoomsAndBroadcastTests
{
    private const string Marker = """42["marker"]""";

    /// <summary>Three clients A, B, C on "/" with their server sockets; A is in r1, B in r1 and vip, C in none.</summary>
    private sealed class Trio : IAsyncDisposable
    {
        public required SocketIOTestServer Server { get; init; }

        public required RawSocketIOClient[] Clients { get; init; }

        public required SocketIOSocket[] Sockets { get; init; }

        public RawSocketIOClient A => Clients[0];

        public RawSocketIOClient B => Clients[1];

        public RawSocketIOClient C => Clients[2];

        public static async Task<Trio> StartAsync(Action<SocketIOServer>? configureServer = null)
        {
            var log = new SocketLog();
            var server = await SocketIOTestServer.StartAsync(io =>
            {
                log.Attach(io.MainNamespace);
                io.MainNamespace.OnConnection(socket =>
                {
                    socket.On("shout", e => e.Socket.Broadcast.Emit("shouted", e.Arguments));
                    socket.On("to-room", e => e.Socket.Namespace.To("r1").Emit("room", e.Arguments));
                    socket.On("socket-to-room", e => e.Socket.To("r1").Emit("room", e.Arguments));
                });
                configureServer?.Invoke(io);
            });
            var clients = new RawSocketIOClient[3];
            var sockets = new SocketIOSocket[3];
            for (var i = 0; i < 3; i++)
            {
                clients[i] = await server.ConnectToAsync("/");
                sockets[i] = await log.NextAsync();
            }

            sockets[0].Join("r1");
            sockets[1].Join(["r1", "vip"]);
            return new Trio { Server = server, Clients = clients, Sockets = sockets };
        }

        /// <summary>Emits the marker to everyone; each client in <paramref name="clients"/> must get it next.</summary>
        public async Task AssertNextIsMarkerAsync(params RawSocketIOClient[] clients)
        {
            Server.IO.Emit("marker");
            foreach (var client in clients)
            {
                Assert.Equal(Marker, await client.ReceiveAsync());
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var client in Clients)
            {
                await client.DisposeAsync();
            }

            await Server.DisposeAsync();
        }
    }

    [Fact]
    public async Task To_room_except_room_reaches_exactly_the_members_not_excluded()
    {
        await using var trio = await Trio.StartAsync();

        trio.Server.IO.To("r1").Except("vip").Emit("news", 1);

        Assert.Equal("""42["news",1]""", await trio.A.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Emit_to_several_rooms_reaches_a_member_of_both_once()
    {
        await using var trio = await Trio.StartAsync();

        trio.Server.IO.To("r1").To("vip").Emit("news", 2);

        Assert.Equal("""42["news",2]""", await trio.A.ReceiveAsync());
        Assert.Equal("""42["news",2]""", await trio.B.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Except_alone_reaches_everyone_outside_the_room()
    {
        await using var trio = await Trio.StartAsync();

        trio.Server.IO.Except("r1").Emit("outsiders");

        Assert.Equal("""42["outsiders"]""", await trio.C.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Socket_id_is_a_room_of_its_own()
    {
        await using var trio = await Trio.StartAsync();

        trio.Server.IO.To(trio.Sockets[2].Id).Emit("direct");

        Assert.Equal("""42["direct"]""", await trio.C.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Socket_broadcast_reaches_everyone_but_the_sender()
    {
        await using var trio = await Trio.StartAsync();

        await trio.A.SendAsync("""42["shout","hi"]""");

        Assert.Equal("""42["shouted","hi"]""", await trio.B.ReceiveAsync());
        Assert.Equal("""42["shouted","hi"]""", await trio.C.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Namespace_to_room_from_a_handler_includes_the_sender_in_that_room()
    {
        await using var trio = await Trio.StartAsync();

        await trio.A.SendAsync("""42["to-room","r"]""");

        Assert.Equal("""42["room","r"]""", await trio.A.ReceiveAsync());
        Assert.Equal("""42["room","r"]""", await trio.B.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Socket_to_room_excludes_the_sender()
    {
        await using var trio = await Trio.StartAsync();

        await trio.A.SendAsync("""42["socket-to-room","r"]""");

        Assert.Equal("""42["room","r"]""", await trio.B.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Fetch_sockets_of_a_room_returns_its_members()
    {
        await using var trio = await Trio.StartAsync();

        var inR1 = await trio.Server.IO.In("r1").FetchSocketsAsync();
        var all = await trio.Server.IO.FetchSocketsAsync();
        var notVip = await trio.Server.IO.Except("vip").FetchSocketsAsync();

        Assert.Equal(new HashSet<string> { trio.Sockets[0].Id, trio.Sockets[1].Id }, inR1.Select(s => s.Id).ToHashSet());
        Assert.Equal(trio.Sockets.Select(s => s.Id).ToHashSet(), all.Select(s => s.Id).ToHashSet());
        Assert.Equal(new HashSet<string> { trio.Sockets[0].Id, trio.Sockets[2].Id }, notVip.Select(s => s.Id).ToHashSet());
        var remote = inR1.Single(s => s.Id == trio.Sockets[1].Id);
        Assert.Equal(new HashSet<string> { trio.Sockets[1].Id, "r1", "vip" }, remote.Rooms.ToHashSet());
    }

    [Fact]
    public async Task Sockets_join_and_leave_act_on_the_selected_sockets_only()
    {
        await using var trio = await Trio.StartAsync();

        trio.Server.IO.In("r1").SocketsJoin("r2");
        Assert.Contains("r2", trio.Sockets[0].Rooms);
        Assert.Contains("r2", trio.Sockets[1].Rooms);
        Assert.DoesNotContain("r2", trio.Sockets[2].Rooms);

        trio.Server.IO.In("vip").SocketsLeave("r1");
        Assert.Contains("r1", trio.Sockets[0].Rooms);
        Assert.DoesNotContain("r1", trio.Sockets[1].Rooms);

        trio.Server.IO.To("r1").Emit("r1-only");
        Assert.Equal("""42["r1-only"]""", await trio.A.ReceiveAsync());
        await trio.AssertNextIsMarkerAsync(trio.A, trio.B, trio.C);
    }

    [Fact]
    public async Task Disconnect_sockets_of_a_room_disconnects_exactly_its_members()
    {
        await using var trio = await Trio.StartAsync(io => io.MainNamespace.WithEcho());

        trio.Server.IO.In("vip").DisconnectSockets();

        Assert.Equal("41", await trio.B.ReceiveAsync());
        Assert.False(trio.Sockets[1].Connected);
        Assert.True(trio.Sockets[0].Connected);
        Assert.True(trio.Sockets[2].Connected);
        await trio.AssertNextIsMarkerAsync(trio.A, trio.C);

        // Without close the connection of B stays up.
        await trio.B.JoinAsync("/");
        await trio.B.AssertEchoesAsync();
    }

    [Fact]
    public async Task Disconnect_sockets_with_close_closes_their_connections()
    {
        await using var trio = await Trio.StartAsync();

        trio.Server.IO.In("r1").DisconnectSockets(close: true);

        await trio.A.WaitForCloseAsync();
        await trio.B.WaitForCloseAsync();
        await trio.AssertNextIsMarkerAsync(trio.C);
    }

    [Fact]
    public async Task Broadcast_emit_with_ack_collects_every_response()
    {
        await using var trio = await Trio.StartAsync();

        var responses = trio.Server.IO.Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll", 1);

        // One packet, one id for everyone (the namespace's next id).
        var packets = new List<string>();
        foreach (var (client, name) in trio.Clients.Zip(["A", "B", "C"]))
        {
            var packet = await client.ReceiveAsync();
            packets.Add(packet);
            var id = packet["42".Length..packet.IndexOf('[', StringComparison.Ordinal)];
            await client.SendAsync($"43{id}[\"{name}\"]");
        }

        Assert.Single(packets.Distinct());
        Assert.Matches("""^42\d+\["poll",1\]$""", packets[0]);
        var result = await responses.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["A", "B", "C"], result.Select(r => r.GetString(0)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Broadcast_emit_with_ack_to_a_room_collects_its_members_responses()
    {
        await using var trio = await Trio.StartAsync();

        var responses = trio.Server.IO.To("r1").Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll");

        foreach (var (client, name) in new[] { (trio.A, "A"), (trio.B, "B") })
        {
            var packet = await client.ReceiveAsync();
            await client.SendAsync($"43{packet["42".Length..packet.IndexOf('[', StringComparison.Ordinal)]}[\"{name}\"]");
        }

        var result = await responses.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["A", "B"], result.Select(r => r.GetString(0)!).Order(StringComparer.Ordinal));
        await trio.AssertNextIsMarkerAsync(trio.C);
    }

    [Fact]
    public async Task Broadcast_emit_with_ack_times_out_with_the_partial_responses()
    {
        await using var trio = await Trio.StartAsync();

        // Long enough for A and B to answer on a loaded machine; C never does.
        var responses = trio.Server.IO.Timeout(TimeSpan.FromMilliseconds(1500)).EmitWithAckAsync("poll");

        foreach (var (client, name) in new[] { (trio.A, "A"), (trio.B, "B") })
        {
            var packet = await client.ReceiveAsync();
            await client.SendAsync($"43{packet["42".Length..packet.IndexOf('[', StringComparison.Ordinal)]}[\"{name}\"]");
        }

        Assert.Matches("""^42\d+\["poll"\]$""", await trio.C.ReceiveAsync());
        var timeout = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => responses.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("operation has timed out", timeout.Message);
        Assert.Equal(["A", "B"], timeout.Responses.Select(r => r.GetString(0)!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Broadcast_emit_with_ack_to_nobody_completes_at_once_with_no_responses()
    {
        await using var trio = await Trio.StartAsync();

        var result = await trio.Server.IO.To("empty-room").Timeout(TimeSpan.FromSeconds(10)).EmitWithAckAsync("poll").WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Empty(result);
    }

    [Fact]
    public async Task Volatile_emit_to_a_polling_client_with_no_get_pending_is_dropped_and_a_normal_one_delivered()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io => log.Attach(io.MainNamespace),
            // Polling: the client does not answer pings in the background, so the heartbeat stays out of the way.
            o =>
            {
                o.EngineIO.PingInterval = TimeSpan.FromSeconds(30);
                o.EngineIO.PingTimeout = TimeSpan.FromSeconds(30);
            });
        await using var client = await server.ConnectPollingAsync();
        await client.PostAsync("40");
        var reply = Assert.Single(await client.PollAsync());
        SocketIOTestSupport.ConnectReplySid(reply);
        var socket = await log.NextAsync();

        // No GET pending: the volatile packet is dropped, the normal one waits in the buffer.
        server.IO.Volatile.Emit("volatile", 1);
        server.IO.Emit("normal", 2);
        Assert.Equal(["""42["normal",2]"""], await client.PollAsync());

        // With a GET pending, a volatile packet is delivered.
        var poll = client.StartPoll();
        await socket.Connection.WaitForPendingGetAsync();
        server.IO.Volatile.Emit("volatile", 3);
        Assert.Equal(["""42["volatile",3]"""], await RawSocketIOPollingClient.ReadPollAsync(poll));
    }

    /// <summary>F3: application code joining client-supplied names is bounded.</summary>
    [Fact]
    public async Task Join_throws_beyond_max_rooms_per_socket_and_for_bad_room_names()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io => log.Attach(io.MainNamespace.WithEcho()),
            o =>
            {
                o.MaxRoomsPerSocket = 3;
                o.MaxRoomNameLength = 8;
            });
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        socket.Join("a");
        socket.Join("12345678");

        // The socket's own id room counts: {id, a, 12345678} is the cap.
        Assert.Throws<InvalidOperationException>(() => socket.Join("c"));
        Assert.Throws<InvalidOperationException>(() => socket.Join(["d", "e"]));
        Assert.Throws<ArgumentException>(() => socket.Join("123456789"));
        Assert.Throws<ArgumentException>(() => socket.Join(""));
        Assert.Throws<ArgumentException>(() => socket.Join(["ok", new string('x', 9)]));
        Assert.Equal(new HashSet<string> { socket.Id, "a", "12345678" }, socket.Rooms.ToHashSet());

        // Leaving frees a slot.
        socket.Leave("a");
        socket.Join("c");
        Assert.Equal(new HashSet<string> { socket.Id, "c", "12345678" }, socket.Rooms.ToHashSet());
        await client.AssertEchoesAsync();
    }

    [Fact]
    public async Task Empty_rooms_disappear_when_their_last_member_leaves()
    {
        await using var trio = await Trio.StartAsync();

        trio.Sockets[0].Leave("r1");
        trio.Sockets[1].Leave("r1");

        Assert.Empty(trio.Server.IO.MainNamespace.Adapter.GetSockets(["r1"]));
        Assert.Empty(await trio.Server.IO.In("r1").FetchSocketsAsync());
    }
}
