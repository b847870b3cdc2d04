using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// Connection state recovery (docs/recovery.md) with Typed's .NET client against Typed's server: the TCP connection is
/// cut under the client (<see cref="TcpCutProxy"/>: a reset on both sides, whatever was in flight is lost) while the
/// server keeps broadcasting. BAD-INPUTS E5 (pid single-use, bound to the user) and F6 (caps).
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class RecoveryTests
{
    public static TheoryData<string, string> Modes() => new()
    {
        { "polling", "json" },
        { "polling", "msgpack" },
        { "websocket", "json" },
        { "websocket", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_cut_connection_comes_back_with_its_id_rooms_and_every_packet_once_in_order(string mode, string parser)
    {
        await using var host = await StartAsync(parser);
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var client = Create(new Uri(proxy.BaseUrl), mode, parser);
        var socket = client.Of("/");
        var recorder = new TickRecorder(socket);
        await socket.ConnectAsync().WaitAsync(Wait);
        Assert.False(socket.Recovered);
        var firstId = socket.Id;
        await socket.EmitWithAckAsync("join", [Json("""["r"]""")], Wait);

        var broadcaster = Broadcaster.Start(n => host.Server.To("r").Emit("tick", n));
        await recorder.WaitUntilAsync(r => r.Count >= 20, "20 ticks before the cut");

        // The client comes back once the server has seen the drop (a long-polling connection cut between two
        // requests is seen at the next ping timeout; before that the old socket still counts as connected and a
        // reconnection gets a new one, as with socket.io: docs/recovery.md).
        proxy.Blocked = true;
        proxy.CutAll();
        await WaitForSessionsAsync(host, 1);
        proxy.Blocked = false;
        await recorder.WaitUntilAsync(r => r.Disconnects >= 1 && r.Connects >= 2 && r.Socket.IsConnected, "the reconnection");
        var afterReconnect = recorder.Count;
        await recorder.WaitUntilAsync(r => r.Count >= afterReconnect + 20, "20 ticks after the reconnection");
        var last = await broadcaster.StopAsync();
        await recorder.WaitUntilAsync(r => r.Contains(last), $"tick {last}, the last one sent");

        Assert.True(socket.Recovered);
        Assert.Equal(firstId, socket.Id);
        Assert.Equal(recorder.Connects - 1, recorder.Recoveries);
        Assert.Equal(Enumerable.Range(1, last), recorder.Ticks);
        Assert.Equal(0, recorder.WithoutOffset);
        var who = (await socket.EmitWithAckAsync("whoami", [], Wait)).GetJsonElement(0);
        Assert.True(who.GetProperty("recovered").GetBoolean());
        Assert.Equal(firstId, who.GetProperty("id").GetString());
        Assert.Equal(new[] { firstId, "r" }.Order(StringComparer.Ordinal), who.GetProperty("rooms").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>
    /// The race made deterministic: a cut connection's receive loop hands over its last event only once the socket has
    /// lost that connection (it is buffered for the next CONNECT reply) or is already connected on the next one (it is
    /// delivered after the replay). Either way the recovery has replayed it, and its offset, taken last, is older than
    /// what the socket has received since: the next recovery would replay all of that again.
    /// </summary>
    [Theory]
    [InlineData("while disconnected")]
    [InlineData("after the recovery")]
    public async Task An_event_of_a_cut_connection_handed_over_late_is_not_delivered_again_nor_taken_as_the_offset(string when)
    {
        await using var host = await StartAsync("json");
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var client = Create(new Uri(proxy.BaseUrl), "websocket", "json");
        var socket = client.Of("/");
        var recorder = new TickRecorder(socket);
        await socket.ConnectAsync().WaitAsync(Wait);
        var epochOfTheCutConnection = client.ConnectionEpoch;
        host.Server.Emit("tick", 1);
        host.Server.Emit("tick", 2);
        await recorder.WaitUntilAsync(r => r.Count == 2, "ticks 1 and 2");

        // Tick 2 as the cut connection carried it, offset included.
        var late = new SocketIOPacket
        {
            Type = SocketIOPacketType.Event,
            Namespace = "/",
            EventName = "tick",
            Data = JsonSerializer.SerializeToUtf8Bytes(new object[] { "tick", 2, recorder.SessionOffsets[0][1]! }),
        };

        await CutAndRecoverAsync(3, () =>
        {
            if (when == "while disconnected")
            {
                socket.HandlePacket(late, epochOfTheCutConnection);
            }
        });
        if (when == "after the recovery")
        {
            socket.HandlePacket(late, epochOfTheCutConnection);
        }

        // At once a second cut: this recovery replays from the offset the socket holds now.
        await CutAndRecoverAsync(4, () => { });

        Assert.Equal(2, recorder.Recoveries);
        Assert.Equal([1, 2, 3, 4], recorder.Ticks);

        // Cut while the server emits <paramref name="missed"/>; the recovery replays it.
        async Task CutAndRecoverAsync(int missed, Action whileAway)
        {
            var recoveries = recorder.Recoveries;
            proxy.Blocked = true;
            proxy.CutAll();
            await WaitForSessionsAsync(host, 1);
            host.Server.Emit("tick", missed);
            whileAway();
            proxy.Blocked = false;
            await recorder.WaitUntilAsync(r => r.Recoveries == recoveries + 1 && r.Socket.IsConnected && r.Contains(missed), $"the recovery with tick {missed}");
        }
    }

    [Fact]
    public async Task After_the_window_the_client_connects_as_a_new_socket()
    {
        await using var host = await StartAsync("json", r => r.MaxDisconnectionDuration = TimeSpan.FromSeconds(2));
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var client = Create(new Uri(proxy.BaseUrl), "websocket", "json");
        var socket = client.Of("/");
        var recorder = new TickRecorder(socket);
        await socket.ConnectAsync().WaitAsync(Wait);
        var firstId = socket.Id;
        await socket.EmitWithAckAsync("join", [Json("""["r"]""")], Wait);
        host.Server.Emit("tick", 1);
        await recorder.WaitUntilAsync(r => r.Count == 1, "the first tick");

        proxy.Blocked = true;
        proxy.CutAll();
        await recorder.WaitUntilAsync(r => r.Disconnects == 1, "the disconnection");
        await WaitForSessionsAsync(host, 1);
        host.Server.Emit("tick", 2);
        await WaitForSessionsAsync(host, 0); // the sweep forgot it once the window passed
        proxy.Blocked = false;
        await recorder.WaitUntilAsync(r => r.Connects == 2 && r.Socket.IsConnected, "the reconnection");

        Assert.False(socket.Recovered);
        Assert.NotEqual(firstId, socket.Id);
        Assert.Equal([1], recorder.Ticks);
        var who = (await socket.EmitWithAckAsync("whoami", [], Wait)).GetJsonElement(0);
        Assert.False(who.GetProperty("recovered").GetBoolean());
        Assert.Equal([socket.Id], who.GetProperty("rooms").EnumerateArray().Select(e => e.GetString()));
    }

    /// <summary>BAD-INPUTS F6: past the per-session caps, recovery fails cleanly and the client connects as a new socket.</summary>
    [Theory]
    [InlineData("packets")]
    [InlineData("bytes")]
    public async Task A_session_that_missed_more_than_the_caps_connects_as_a_new_socket(string cap)
    {
        await using var host = await StartAsync("json", r =>
        {
            if (cap == "packets")
            {
                r.MaxPacketsPerSession = 3;
            }
            else
            {
                r.MaxBytesPerSession = 200;
            }
        });
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var client = Create(new Uri(proxy.BaseUrl), "websocket", "json");
        var socket = client.Of("/");
        var recorder = new TickRecorder(socket);
        await socket.ConnectAsync().WaitAsync(Wait);
        var firstId = socket.Id;
        host.Server.Emit("tick", 1);
        await recorder.WaitUntilAsync(r => r.Count == 1, "the first tick");

        proxy.Blocked = true;
        proxy.CutAll();
        await WaitForSessionsAsync(host, 1);
        for (var n = 2; n <= 6; n++)
        {
            host.Server.Emit("tick", n, new string('x', 40));
        }

        proxy.Blocked = false;
        await recorder.WaitUntilAsync(r => r.Connects == 2 && r.Socket.IsConnected, "the reconnection");
        Assert.False(socket.Recovered);
        Assert.NotEqual(firstId, socket.Id);
        Assert.Equal([1], recorder.Ticks);
    }

    /// <summary>The same scenario under the caps recovers: the caps above are what refused it.</summary>
    [Fact]
    public async Task A_session_under_the_caps_recovers()
    {
        await using var host = await StartAsync("json", r => r.MaxPacketsPerSession = 5);
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var client = Create(new Uri(proxy.BaseUrl), "websocket", "json");
        var socket = client.Of("/");
        var recorder = new TickRecorder(socket);
        await socket.ConnectAsync().WaitAsync(Wait);
        host.Server.Emit("tick", 1);
        await recorder.WaitUntilAsync(r => r.Count == 1, "the first tick");

        proxy.Blocked = true;
        proxy.CutAll();
        await WaitForSessionsAsync(host, 1);
        for (var n = 2; n <= 6; n++)
        {
            host.Server.Emit("tick", n);
        }

        proxy.Blocked = false;
        await recorder.WaitUntilAsync(r => r.Connects == 2 && r.Count == 6, "the recovery");
        Assert.True(socket.Recovered);
        Assert.Equal([1, 2, 3, 4, 5, 6], recorder.Ticks);
    }

    /// <summary>BAD-INPUTS E5: a pid recovers one socket once; presented again while that socket lives, it gets nothing.</summary>
    [Fact]
    public async Task A_pid_is_single_use()
    {
        await using var host = await StartSecuredAsync();
        var (sid, pid, offset) = await ConnectAndDropAsync(host, user: null);

        await using var recovered = await RawSocketIOConnection.OpenAsync(host.BaseUri);
        var (secondSid, secondPid) = await recovered.ConnectAsync(RecoveryAuth(pid, offset));
        Assert.Equal(sid, secondSid);
        Assert.Equal(pid, secondPid); // kept, as socket.io does: the stock client compares it to say "recovered"

        await using var replay = await RawSocketIOConnection.OpenAsync(host.BaseUri);
        var (thirdSid, thirdPid) = await replay.ConnectAsync(RecoveryAuth(pid, offset));
        Assert.NotEqual(sid, thirdSid);
        Assert.NotEqual(pid, thirdPid);
        Assert.True(host.Server.MainNamespace.TryGetSocket(sid, out var still) && still.Connected && still.Recovered);
    }

    /// <summary>BAD-INPUTS E5: the session of an authenticated user does not move to another user.</summary>
    [Fact]
    public async Task Another_users_pid_is_refused()
    {
        await using var host = await StartSecuredAsync();
        var (sid, pid, offset) = await ConnectAndDropAsync(host, user: "alice");

        await using var thief = await RawSocketIOConnection.OpenAsync(host.BaseUri, user: "mallory");
        var (thiefSid, _) = await thief.ConnectAsync(RecoveryAuth(pid, offset));
        Assert.NotEqual(sid, thiefSid);
        Assert.True(host.Server.MainNamespace.TryGetSocket(thiefSid, out var thiefSocket) && !thiefSocket.Recovered);

        // Anonymous is another principal too.
        var (sid2, pid2, offset2) = await ConnectAndDropAsync(host, user: "alice");
        await using var anonymous = await RawSocketIOConnection.OpenAsync(host.BaseUri);
        Assert.NotEqual(sid2, (await anonymous.ConnectAsync(RecoveryAuth(pid2, offset2))).Sid);

        // The owner recovers.
        var (sid3, pid3, offset3) = await ConnectAndDropAsync(host, user: "alice");
        await using var owner = await RawSocketIOConnection.OpenAsync(host.BaseUri, user: "alice");
        Assert.Equal(sid3, (await owner.ConnectAsync(RecoveryAuth(pid3, offset3))).Sid);
    }

    /// <summary>With SkipMiddlewares false the connection middleware runs again on recovery, and can refuse it.</summary>
    [Fact]
    public async Task Without_SkipMiddlewares_a_recovered_socket_runs_the_middleware_again()
    {
        await using var host = await StartSecuredAsync(skipMiddlewares: false);
        var seen = new List<bool>();
        var refuse = false;
        host.Server.MainNamespace.Use(socket =>
        {
            lock (seen)
            {
                seen.Add(socket.Recovered);
            }

            return Volatile.Read(ref refuse) ? throw new SocketIOConnectionRejectedException("no more") : ValueTask.CompletedTask;
        });
        var (sid, pid, offset) = await ConnectAndDropAsync(host, user: null);

        await using var recovered = await RawSocketIOConnection.OpenAsync(host.BaseUri);
        Assert.Equal(sid, (await recovered.ConnectAsync(RecoveryAuth(pid, offset))).Sid);
        Assert.Equal([false, true], seen);

        // Dropped again (same pid), and this time the middleware says no: no recovery without authorization.
        recovered.Abort();
        await WaitForSessionsAsync(host.Server, 1);
        Volatile.Write(ref refuse, true);
        await using var refused = await RawSocketIOConnection.OpenAsync(host.BaseUri);
        await refused.SendRawConnectAsync(RecoveryAuth(pid, offset));
        Assert.StartsWith("44{\"message\":\"no more\"", await refused.ReceiveRawAsync());
        Assert.False(host.Server.MainNamespace.TryGetSocket(sid, out _));
    }

    private static string RecoveryAuth(string pid, string offset) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["pid"] = pid, ["offset"] = offset });

    /// <summary>A raw connection that gets its pid and one offset, then drops; returns once its session is kept.</summary>
    private static async Task<(string Sid, string Pid, string Offset)> ConnectAndDropAsync(SecuredHost host, string? user)
    {
        await using var connection = await RawSocketIOConnection.OpenAsync(host.BaseUri, user);
        var (sid, pid) = await connection.ConnectAsync();
        Assert.NotNull(pid);
        Assert.True(host.Server.MainNamespace.TryGetSocket(sid, out var socket));
        socket.Emit("tick", 1);
        var args = await connection.ReceiveEventAsync();
        Assert.Equal(2, args.Length);
        var offset = args[1].GetString()!;
        var before = Sessions(host.Server);
        connection.Abort();
        await WaitForSessionsAsync(host.Server, before + 1);
        return (sid, pid, offset);
    }

    private static Task<SocketIOHost> StartAsync(string parser, Action<SocketIOConnectionStateRecoveryOptions>? configure = null) =>
        SocketIOHost.StartAsync(parser, configure: options =>
        {
            var recovery = new SocketIOConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(30) };
            configure?.Invoke(recovery);
            options.ConnectionStateRecovery = recovery;
        });

    private static async Task<SecuredHost> StartSecuredAsync(bool skipMiddlewares = true)
    {
        var kestrel = await KestrelTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddAuthentication(HeaderUserAuthentication.SchemeName)
                    .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderUserAuthentication>(HeaderUserAuthentication.SchemeName, null);
                builder.Services.AddSocketIO(options => options.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions
                {
                    MaxDisconnectionDuration = TimeSpan.FromSeconds(30),
                    SkipMiddlewares = skipMiddlewares,
                });
            },
            app =>
            {
                app.UseAuthentication();
                app.MapSocketIO("/socket.io");
            });
        return new SecuredHost(kestrel);
    }

    private static int Sessions(SocketIOServer server, string ns = "/") => ((InMemorySocketIOAdapter)server.Of(ns).Adapter).RecoveryCounts.Sessions;

    private static Task WaitForSessionsAsync(SocketIOHost host, int count) => WaitForSessionsAsync(host.Server, count);

    /// <summary>Polls the server's kept sessions (no event tells of them), bounded.</summary>
    internal static async Task WaitForSessionsAsync(SocketIOServer server, int count, string ns = "/")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Sessions(server, ns) != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the server keeps {Sessions(server, ns)} sessions, not {count}");
            await Task.Delay(10);
        }
    }

    private sealed class SecuredHost(KestrelTestHost host) : IAsyncDisposable
    {
        public Uri BaseUri => host.BaseUri;

        public SocketIOServer Server => host.Services.GetRequiredService<SocketIOServer>();

        public ValueTask DisposeAsync() => host.DisposeAsync();
    }
}
