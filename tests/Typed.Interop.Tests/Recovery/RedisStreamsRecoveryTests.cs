using System.Text;
using Microsoft.Extensions.Logging;
using Typed.Interop.Tests.Cluster;
using Typed.SocketIO;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// Connection state recovery across servers (docs/recovery.md), on a Redis Streams cluster of two members
/// (@socket.io/redis-streams-adapter 0.3.1 on the Node side): a client connected to member A loses its transport and
/// reconnects to member B, which restores it from the session A stored in Redis and the entries it missed in the
/// stream: same id, same rooms, every broadcast exactly once and in order. The stock socket.io-client
/// (tests/js/sio-recovery.mjs with two URLs; Node → Node proves the script) and Typed's .NET client (behind a
/// <see cref="TcpCutProxy"/> that is cut, then pointed at member B), Typed → Typed and Node ↔ Typed both ways.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class RedisStreamsRecoveryTests
{
    public static TheoryData<string, string, string, string> StockClientCases() => new()
    {
        { "node", "node", "websocket", "json" },
        { "typed", "typed", "websocket", "json" },
        { "typed", "typed", "polling", "msgpack" },
        { "node", "typed", "polling", "json" },
        { "typed", "node", "websocket", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(StockClientCases))]
    public async Task The_stock_client_cut_from_one_member_recovers_on_another(string from, string to, string mode, string parser)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await RedisStreamsCluster.StartAsync(redis, [from, to], parser, recovery: true);
        try
        {
            var result = await NodeScript.RunAsync("sio-recovery.mjs", RedisStreamsCluster.Url(cluster[0]), RedisStreamsCluster.Url(cluster[1]), mode, parser);
            Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
            Assert.True(result.GetProperty("recovered").GetBoolean());
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(cluster);
        }
    }

    [Theory]
    [InlineData("typed", "typed", "json")]
    [InlineData("typed", "typed", "msgpack")]
    [InlineData("typed", "node", "json")]
    [InlineData("node", "typed", "msgpack")]
    public async Task Our_client_cut_from_one_member_recovers_on_another(string from, string to, string parser)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await RedisStreamsCluster.StartAsync(redis, [from, to], parser, recovery: true);
        try
        {
            var memberA = RedisStreamsCluster.Url(cluster[0]);
            var memberB = RedisStreamsCluster.Url(cluster[1]);
            await using var proxy = TcpCutProxy.Start(memberA);

            // WebSocket: the member sees the cut at once (a long-polling cut is seen at the next ping timeout).
            // Broadcasts from member B reach the client on member A through the stream, then on B itself.
            await using var run = await CutReceiver.StartAsync(new Uri(proxy.BaseUrl), new Uri(memberB), "websocket", parser);
            var (socket, broadcasting, recorder, firstId) = (run.Socket, run.Broadcasting, run.Recorder, run.FirstId);

            proxy.Blocked = true;
            proxy.CutAll();
            await WaitForStoredSessionAsync(redis, stored: true, "member A stored no session");
            var offset = 0;
            if (to == "node")
            {
                // Node's streams adapter reads the missed entries before the socket rejoins its rooms while live
                // delivery goes on (issue 16, race b: observed here, a broadcast lost under continuous broadcasting), so
                // against it the hand-over is quiet: ten broadcasts while the client is away, none while it comes back.
                // Restoring on Typed, broadcasting never stops.
                offset = await run.Broadcaster.StopAsync();
                for (var n = offset + 1; n <= offset + 10; n++)
                {
                    broadcasting.Emit("broadcast-others", n);
                }

                await broadcasting.EmitWithAckAsync("whoami", [], Wait); // the member handled them before this answer
                offset += 10;
            }

            proxy.Retarget(memberB);
            proxy.Blocked = false;
            await recorder.WaitUntilAsync(r => r.Disconnects >= 1 && r.Connects >= 2 && r.Socket.IsConnected, "the reconnection");
            if (to == "node")
            {
                run.Broadcaster = Broadcaster.Start(n => broadcasting.Emit("broadcast-others", offset + n));
            }

            var afterReconnect = recorder.Count;
            await recorder.WaitUntilAsync(r => r.Count >= afterReconnect + 20, "20 broadcasts after the reconnection");
            var last = offset + await run.Broadcaster.StopAsync();
            await recorder.WaitUntilAsync(r => r.Contains(last), $"broadcast {last}, the last one sent");

            Assert.True(socket.Recovered);
            Assert.Equal(firstId, socket.Id);
            Assert.Equal(Enumerable.Range(1, last), recorder.Ticks);
            Assert.Equal(0, recorder.WithoutOffset);
            var who = (await socket.EmitWithAckAsync("whoami", [], Wait)).GetJsonElement(0);
            var whoSender = (await broadcasting.EmitWithAckAsync("whoami", [], Wait)).GetJsonElement(0);
            Assert.Equal(whoSender.GetProperty("member").GetString(), who.GetProperty("member").GetString());
            Assert.True(who.GetProperty("recovered").GetBoolean());
            Assert.Equal(firstId, who.GetProperty("id").GetString());
            Assert.Contains("r", who.GetProperty("rooms").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(cluster);
        }
    }

    /// <summary>
    /// Each member reads the stream at its own pace. A client that received packets 1-3 from member A, which read them,
    /// recovers on member B, whose read loop has not got there yet (here held back for certain: B connects to Redis as
    /// a user whose XREAD is refused until the test allows it again). Restored at once, B's loop would then deliver
    /// 1-3 to the restored socket live, a second time: B waits until its loop has read as far as the client's offset.
    /// </summary>
    [Fact]
    public async Task A_member_whose_stream_reader_is_behind_the_clients_offset_restores_without_delivering_those_packets_again()
    {
        await using var redis = await RedisServer.StartAsync();
        await CommandAsync(redis, "ACL", "SETUSER", "laggard", "on", ">laggard", "~*", "&*", "+@all");
        var members = new List<ClusterTypedMember>();
        try
        {
            var memberA = await ClusterTypedMember.StartAsync(redis.Address, "json", "streams", recovery: true);
            members.Add(memberA);
            var memberB = await ClusterTypedMember.StartAsync(redis.Address + ",user=laggard,password=laggard", "json", "streams", recovery: true);
            members.Add(memberB);
            await RedisStreamsCluster.WaitForMembersAsync(redis, 2, "/");

            await using var proxy = TcpCutProxy.Start(memberA.BaseUrl);
            await using var client = Create(new Uri(proxy.BaseUrl), "websocket", "json");
            var socket = client.Of("/");
            var recorder = new TickRecorder(socket);
            await socket.ConnectAsync().WaitAsync(Wait);

            // B's read loop stops reading: its next XREAD is refused, and the one it may be blocked in ends now.
            await CommandAsync(redis, "ACL", "SETUSER", "laggard", "-xread");
            foreach (var blocked in (await CommandAsync(redis, "CLIENT", "LIST")).Split('\n').Where(c => c.Contains("user=laggard", StringComparison.Ordinal) && c.Contains("cmd=xread", StringComparison.Ordinal)))
            {
                await CommandAsync(redis, "CLIENT", "UNBLOCK", blocked.Split(' ').Single(f => f.StartsWith("id=", StringComparison.Ordinal))[3..], "ERROR");
            }

            for (var n = 1; n <= 3; n++)
            {
                memberA.Server.Emit("tick", n);
            }

            await recorder.WaitUntilAsync(r => r.Count == 3, "ticks 1-3 from member A");
            proxy.Blocked = true;
            proxy.CutAll();
            await WaitForStoredSessionAsync(redis, stored: true, "member A stored no session");
            proxy.Retarget(memberB.BaseUrl);
            proxy.Blocked = false;

            // B has taken the session (GETDEL). Without waiting for its loop, it restores within milliseconds; give it
            // that chance, then let its loop read on.
            await WaitForStoredSessionAsync(redis, stored: false, "member B took no session");
            try
            {
                await recorder.WaitUntilAsync(r => r.Recoveries == 1, "a restore before B's loop reads on", TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException)
            {
                // B waits for its loop to reach the offset.
            }

            await CommandAsync(redis, "ACL", "SETUSER", "laggard", "+xread");
            await recorder.WaitUntilAsync(r => r.Recoveries == 1 && r.Socket.IsConnected, "the recovery on member B");
            memberA.Server.Emit("tick", 4);
            await recorder.WaitUntilAsync(r => r.Contains(4), "tick 4");

            Assert.True(socket.Recovered);
            Assert.Equal([1, 2, 3, 4], recorder.Ticks);
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(members);
        }
    }

    /// <summary>
    /// Sessions in Redis are untrusted input too (BAD-INPUTS E5): a key that is not base64, not a map, holds rooms that
    /// are not strings, a 2-billion-entry map or another pid is dropped and logged; the client connects as a new socket.
    /// </summary>
    [Fact]
    public async Task Hostile_sessions_in_Redis_are_dropped_and_logged_and_the_client_connects_fresh()
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await RedisStreamsCluster.StartAsync(redis, ["typed"], "json", recovery: true);
        try
        {
            var member = (ClusterTypedMember)cluster[0];

            // A valid offset (the entry exists), so only the session can be refused.
            var added = await redis.CommandAsync([.. new[] { "XADD", "socket.io", "*", "uid", "x", "nsp", "/elsewhere", "type", "4", "data", "{}" }.Select(Encoding.UTF8.GetBytes)]);
            var offset = added.Split("\r\n")[^1];
            static byte[] Str(string value) => [(byte)(0xa0 + value.Length), .. Encoding.UTF8.GetBytes(value)];
            static string Session(string pid, byte[] rooms) => Convert.ToBase64String(
                [0x84, .. Str("sid"), .. Str("s0000000000000000000"), .. Str("pid"), .. Str(pid), .. Str("rooms"), .. rooms, .. Str("data"), 0x80]);
            var sessions = new Dictionary<string, string>
            {
                ["pid-not-base64"] = "!!not base64!!",
                ["pid-not-a-map"] = Convert.ToBase64String([0x93, 0x01, 0x02, 0x03]),
                ["pid-rooms-numbers"] = Session("pid-rooms-numbers", [0x91, 0x01]),
                ["pid-huge-map"] = Convert.ToBase64String([0xdf, 0x7f, 0xff, 0xff, 0xff]),
                ["pid-someone-else"] = Session("another-pid", [0x90]),
            };
            foreach (var (pid, stored) in sessions)
            {
                Assert.Equal("+OK", await redis.CommandAsync([.. new[] { "SET", "sio:session:" + pid, stored }.Select(Encoding.UTF8.GetBytes)]));
            }

            foreach (var pid in sessions.Keys)
            {
                await using var client = Create(new Uri(member.BaseUrl), "websocket", "json");
                var socket = client.Of("/", o => o.Auth = Map(("pid", pid), ("offset", offset)));
                await socket.ConnectAsync().WaitAsync(Wait);
                Assert.False(socket.Recovered, pid);
                Assert.NotEqual("s0000000000000000000", socket.Id);
            }

            Assert.True(member.Dropped.Count >= sessions.Count, $"{member.Dropped.Count} dropped of {sessions.Count}");
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(cluster);
        }
    }

    /// <summary>
    /// A client provokes "not recovered from Redis" (event 14) at will, one line per CONNECT carrying any pid: it logs
    /// at Debug, as the in-memory adapter's event 146, so a hostile client cannot flood the logs (docs/operations.md).
    /// </summary>
    [Fact]
    public async Task A_recovery_with_an_unknown_pid_logs_not_recovered_at_Debug()
    {
        await using var redis = await RedisServer.StartAsync();
        var logs = new CapturingLoggerProvider();
        await using var member = await ClusterTypedMember.StartAsync(redis.Address, "json", "streams", recovery: true, logs: logs);
        await RedisStreamsCluster.WaitForMembersAsync(redis, 1, "/");

        await using var connection = await RawSocketIOConnection.OpenAsync(new Uri(member.BaseUrl));
        var (_, pid) = await connection.ConnectAsync("""{"pid":"no-such-pid","offset":"1-0"}""");
        Assert.NotNull(pid);
        Assert.NotEqual("no-such-pid", pid);

        var entry = Assert.Single(await logs.WaitForAsync(e => e.Category == "Typed.SocketIO.Redis" && e.EventId.Id == 14, 1));
        Assert.Contains("unknown or expired session", entry.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Debug, entry.Level);
    }

    private static Task<string> CommandAsync(RedisServer redis, params string[] arguments) =>
        redis.CommandAsync(arguments.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>
    /// Until a session is stored in Redis (<paramref name="stored"/>: member A saw the drop and saved it) or none is
    /// (member B took it). No event to await across processes: polled, bounded.
    /// </summary>
    private static async Task WaitForStoredSessionAsync(RedisServer redis, bool stored, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await redis.CommandAsync(["KEYS"u8.ToArray(), "sio:session:*"u8.ToArray()])).Contains("sio:session:", StringComparison.Ordinal) != stored)
        {
            Assert.True(DateTime.UtcNow < deadline, what + " within 10 s");
            await Task.Delay(10);
        }
    }
}
