using System.Text;
using System.Text.Json;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// Clusters of three members on one real Redis (classic and sharded modes of @socket.io/redis-adapter 8.3.0), driven
/// by ONE scenario script (tests/js/cluster-scenario.mjs) through the stock socket.io-client: Node-only (the
/// reference: proves the script), Typed-only, and mixed (two Typed members and one Node member, in every position, so
/// every operation goes Typed → Node, Node → Typed and Typed → Typed; see the matrix in docs/redis.md). In sharded
/// mode the script waits for the room channel's subscriptions after sockets join a room (Node and Typed subscribe
/// without waiting). Then the failure cases: Redis restarted, a member that stops answering, a member killed, hostile
/// messages on the channels (both modes).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class RedisClusterInteropTests
{
    public static TheoryData<string, string, string> Clusters() => new()
    {
        { "classic", "node,node,node", "json" },
        { "classic", "typed,typed,typed", "json" },
        { "classic", "typed,typed,node", "json" },
        { "classic", "node,typed,typed", "msgpack" },
        { "classic", "typed,node,typed", "msgpack" },
        { "sharded", "node,node,node", "json" },
        { "sharded", "typed,node,typed", "json" },
        { "sharded", "typed,typed,node", "json" },
        { "sharded", "node,typed,typed", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Clusters))]
    public async Task Every_member_sees_the_same_cluster_and_every_operation_crosses_servers(string mode, string members, string parser)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await StartClusterAsync(redis, members.Split(','), parser, mode);
        try
        {
            await AssertScenarioAsync(cluster, parser, "all", mode == "sharded" ? redis : null);
        }
        finally
        {
            await DisposeAllAsync(cluster);
        }
    }

    public static TheoryData<string, string> DotnetClientCases() => new()
    {
        { "classic", "json" },
        { "classic", "msgpack" },
        { "sharded", "json" },
        { "sharded", "msgpack" },
    };

    /// <summary>
    /// The .NET client (Typed.SocketIO) in a mixed cluster: one on a Typed member, one on a Node member, each gets
    /// the broadcast the other's member sends and answers the broadcast with acknowledgements the other's member
    /// sends (so the ack crosses Redis both ways), in both modes and with both parsers.
    /// </summary>
    [Theory]
    [MemberData(nameof(DotnetClientCases))]
    public async Task Dotnet_clients_on_a_Typed_and_a_Node_member_get_cross_server_broadcasts_and_answer_their_acks(string mode, string parser)
    {
        var wait = TimeSpan.FromSeconds(10);
        await using var redis = await RedisServer.StartAsync();
        var cluster = await StartClusterAsync(redis, ["typed", "node"], parser, mode);
        var clients = new List<SocketIOClient>();
        try
        {
            var messages = new Dictionary<string, List<string>>();
            var sockets = new Dictionary<string, SocketIOClientSocket>();
            foreach (var (label, member) in new[] { ("dotnet-typed", cluster[0]), ("dotnet-node", cluster[1]) })
            {
                var client = new SocketIOClient(new Uri(Url(member)), o =>
                {
                    o.Transports = EngineIOTransports.WebSocket;
                    o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
                    o.ConnectTimeout = wait;
                });
                clients.Add(client);
                var socket = client.Of("/", o => o.Auth = new Dictionary<string, string> { ["label"] = label });
                var received = messages[label] = [];
                socket.On("all-message", e =>
                {
                    lock (received)
                    {
                        received.Add(e.Arguments.GetString(0) ?? "?");
                        Monitor.PulseAll(received);
                    }
                });
                socket.On("ping-all", e => e.Ack(label));
                await socket.ConnectAsync().WaitAsync(wait);
                sockets[label] = socket;
            }

            // Each client asks its own member to broadcast: the client of the other member gets it through Redis.
            foreach (var (sender, other) in new[] { ("dotnet-typed", "dotnet-node"), ("dotnet-node", "dotnet-typed") })
            {
                Assert.Equal("sent", (await sockets[sender].EmitWithAckAsync("broadcast-all", ["from-" + sender], wait)).GetString(0));
                await Task.Run(() => WaitForMessage(messages[other], "from-" + sender, wait)).WaitAsync(wait + wait);
            }

            // A broadcast with acknowledgements from each member: both .NET clients answer, one of them across servers.
            foreach (var sender in new[] { "dotnet-typed", "dotnet-node" })
            {
                var answer = await sockets[sender].EmitWithAckAsync("broadcast-with-ack", ["x"], wait);
                Assert.Equal("[\"dotnet-node\",\"dotnet-typed\"]", Encoding.UTF8.GetString(answer.GetRawJson(0).Span));
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            await DisposeAllAsync(cluster);
        }
    }

    /// <summary>Blocks (on a pool thread) until <paramref name="received"/> holds <paramref name="expected"/>, bounded.</summary>
    private static void WaitForMessage(List<string> received, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (received)
        {
            while (!received.Contains(expected))
            {
                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero && Monitor.Wait(received, left) | received.Contains(expected), $"no all-message '{expected}' within {timeout}; got [{string.Join(", ", received)}]");
            }
        }
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("sharded")]
    public async Task Broadcasts_cross_servers_again_after_Redis_is_killed_and_restarted(string mode)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await StartClusterAsync(redis, ["typed", "typed", "node"], "json", mode);
        try
        {
            await AssertScenarioAsync(cluster, "json", "broadcast");
            await redis.KillAsync();
            await redis.RestartAsync();

            // Every member re-subscribes on its own (StackExchange.Redis and node-redis both reconnect).
            await WaitForSubscribersAsync(redis, 3, mode);
            await AssertScenarioAsync(cluster, "json", "broadcast");
        }
        finally
        {
            await DisposeAllAsync(cluster);
        }
    }

    [Theory]
    [InlineData("classic")]
    [InlineData("sharded")]
    public async Task Requests_end_at_their_timeout_when_a_member_stops_answering(string mode)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await StartClusterAsync(redis, ["typed", "typed", "node"], "json", mode);
        try
        {
            // Still subscribed (counted by PUBSUB NUMSUB), never answering: the worst case for a request.
            await ((ClusterNodeMember)cluster[2]).StopAnsweringAsync();
            await AssertScenarioAsync(cluster, "json", "survivors");
        }
        finally
        {
            await DisposeAllAsync(cluster);
        }
    }

    public static TheoryData<string, string> KilledMembers() => new()
    {
        { "classic", "node" },
        { "classic", "typed" },
        { "sharded", "node" },
        { "sharded", "typed" },
    };

    /// <summary>
    /// A member killed outright (SIGKILL, a Node member or a Typed one running as its own process): the others keep
    /// serving, fetchSockets / serverSideEmitWithAck / broadcasts with acks complete with the survivors' answers, and
    /// the server count (PUBSUB NUMSUB or SHARDNUMSUB: Redis sees the dead connection close) drops to two.
    /// </summary>
    [Theory]
    [MemberData(nameof(KilledMembers))]
    public async Task Requests_complete_with_the_survivors_answers_and_the_server_count_drops_when_a_member_is_killed(string mode, string victim)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await StartClusterAsync(redis, victim == "node" ? ["typed", "typed", "node"] : ["typed", "node", "typed-process"], "json", mode);
        try
        {
            var typed = (ClusterTypedMember)cluster[0];
            await AssertScenarioAsync(cluster, "json", "broadcast");
            Assert.Equal(3, await typed.ServerCountAsync());

            await (cluster[2] switch
            {
                ClusterNodeMember node => node.KillAsync(),
                ClusterProcessMember process => process.KillAsync(),
                _ => throw new InvalidOperationException("member C is not a process"),
            });

            // At once, without waiting for Redis to notice: whether or not the dead member is still counted, nothing
            // waits for it past the request timeout.
            await AssertScenarioAsync(cluster, "json", "survivors");

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await typed.ServerCountAsync() != 2)
            {
                await Task.Delay(50, deadline.Token);
            }

            // And the cluster still works for the survivors.
            await AssertScenarioAsync(cluster, "json", "survivors");
        }
        finally
        {
            await DisposeAllAsync(cluster);
        }
    }

    [Fact]
    public async Task Hostile_messages_on_the_channels_are_dropped_and_logged_and_the_cluster_keeps_working()
    {
        await using var redis = await RedisServer.StartAsync();
        // Typed members only: what a Node member does with such input is not ours to test.
        var cluster = await StartClusterAsync(redis, ["typed", "typed", "typed"], "json");
        try
        {
            var hostile = HostileMessages();
            foreach (var (channel, message) in hostile)
            {
                await redis.PublishAsync(channel, message);
            }

            // A broadcast after them all: each channel delivers in order, so the hostile ones were handled first.
            await AssertScenarioAsync(cluster, "json", "broadcast");
            foreach (var member in cluster.OfType<ClusterTypedMember>())
            {
                Assert.True(member.Dropped.Count >= hostile.Count, $"member {member.Port} logged {member.Dropped.Count} dropped messages of {hostile.Count}");
            }

            await AssertScenarioAsync(cluster, "json", "all");
        }
        finally
        {
            await DisposeAllAsync(cluster);
        }
    }

    [Fact]
    public async Task Hostile_messages_on_the_sharded_channels_are_dropped_and_logged_and_the_cluster_keeps_working()
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await StartClusterAsync(redis, ["typed", "typed", "typed"], "json", "sharded");
        try
        {
            var hostile = ShardedHostileMessages();
            foreach (var message in hostile)
            {
                await redis.PublishAsync("socket.io#/#", message, "SPUBLISH");
            }

            await AssertScenarioAsync(cluster, "json", "broadcast");
            foreach (var member in cluster.OfType<ClusterTypedMember>())
            {
                Assert.True(member.Dropped.Count >= hostile.Count, $"member {member.Port} logged {member.Dropped.Count} dropped messages of {hostile.Count}");
            }

            await AssertScenarioAsync(cluster, "json", "all", redis);
        }
        finally
        {
            await DisposeAllAsync(cluster);
        }
    }

    /// <summary>Sharded-mode messages ({uid, nsp, type, data}, JSON or MessagePack) every Typed member must drop.</summary>
    private static List<byte[]> ShardedHostileMessages()
    {
        byte[] header = [0x84, 0xa3, .. "uid"u8, 0xa1, (byte)'o', 0xa3, .. "nsp"u8, 0xa1, (byte)'/', 0xa4, .. "type"u8, 0x03, 0xa4, .. "data"u8];
        return
        [
            "garbage"u8.ToArray(),
            "{"u8.ToArray(),                                                                          // truncated JSON
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":\"3\",\"data\":{}}"u8.ToArray(),                   // type a string
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":99,\"data\":{}}"u8.ToArray(),                      // unknown type
            "{\"uid\":5,\"nsp\":\"/\",\"type\":3,\"data\":{}}"u8.ToArray(),                           // uid a number
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"e\"],\"nsp\":\"/\"},\"opts\":5}}"u8.ToArray(), // opts not a map
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":3,\"data\":{\"packet\":{\"type\":3,\"data\":[],\"nsp\":\"/\"},\"opts\":{\"rooms\":[],\"except\":[]}}}"u8.ToArray(), // an ACK packet
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":4,\"data\":{\"opts\":{\"rooms\":[{}],\"except\":[]},\"rooms\":[\"r\"]}}"u8.ToArray(), // a room that is an object
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":9,\"data\":{\"packet\":\"sse\"}}"u8.ToArray(),    // server-side packet not an array
            "{\"uid\":\"o\",\"nsp\":\"/\",\"type\":11,\"data\":{\"requestId\":5}}"u8.ToArray(),     // requestId a number
            [.. header, 0x82, 0xa6, .. "packet"u8, 0xa1, (byte)'p', 0xa4, .. "opts"u8, 0x80],             // packet a string
            [.. header, 0xdf, 0x7f, 0xff, 0xff, 0xff],                                                 // data: a map of 2 billion entries
            [.. header[..^6]],                                                                         // truncated
            [0xdd, 0xff, 0xff, 0xff, 0xff, 0xa1, (byte)'x'],                                           // array of 4 billion elements
            [0xc1],                                                                                    // reserved byte
        ];
    }

    /// <summary>Messages every Typed member must drop (each reaches it once): garbage, truncation, wrong types, lies.</summary>
    private static List<(string Channel, byte[] Message)> HostileMessages()
    {
        const string Broadcast = "socket.io#/#";
        const string Request = "socket.io-request#/#";
        const string Response = "socket.io-response#/#";
        byte[] validBroadcast =
        [
            0x93, 0xa3, (byte)'x', (byte)'y', (byte)'z', // [ "xyz",
            0x83, 0xa4, .. "type"u8, 0x02, 0xa4, .. "data"u8, 0x91, 0xa3, .. "evt"u8, 0xa3, .. "nsp"u8, 0xa1, (byte)'/', // {type:2,data:["evt"],nsp:"/"},
            0x82, 0xa5, .. "rooms"u8, 0x90, 0xa6, .. "except"u8, 0x90, // {rooms:[],except:[]} ]
        ];
        return
        [
            (Broadcast, "garbage"u8.ToArray()),
            (Broadcast, validBroadcast[..^5]),                                       // truncated
            (Broadcast, [0x93, 0x01, .. validBroadcast[5..]]),                        // uid is a number
            (Broadcast, [0xdd, 0xff, 0xff, 0xff, 0xff, 0xa1, (byte)'x']),              // array of 4 billion elements
            (Broadcast, [0x93, 0xa1, (byte)'q', 0x83, 0xa4, .. "type"u8, 0x03, 0xa4, .. "data"u8, 0x90, 0xa3, .. "nsp"u8, 0xa1, (byte)'/', 0x80]), // an ACK packet
            (Broadcast, [0x93, 0xa1, (byte)'q', .. validBroadcast[5..^16], 0x82, 0xa5, .. "rooms"u8, 0xa1, (byte)'r', 0xa6, .. "except"u8, 0x90]), // rooms not an array
            (Broadcast, [0xc1]),                                                    // reserved byte
            (Request, "garbage"u8.ToArray()),
            (Request, "{\"type\":5,\"requestId\":\"abc\",\"opts\":5}"u8.ToArray()),   // opts not an object
            (Request, "{\"type\":6,\"uid\":\"other\",\"data\":\"sse\"}"u8.ToArray()), // data not an array
            (Request, "{\"type\":\"5\"}"u8.ToArray()),                               // type a string
            (Request, "{\"type\":2,\"uid\":\"other\",\"opts\":{\"rooms\":[{}]},\"rooms\":[\"r\"]}"u8.ToArray()), // a room that is an object
            (Request, "{\"type\":99}"u8.ToArray()),                                 // unknown type
            (Request, "{"u8.ToArray()),                                             // truncated JSON
            (Request, [0x85, 0xa3, .. "uid"u8, 0xa1, (byte)'o', 0xa9, .. "requestId"u8, 0xa1, (byte)'r', 0xa4, .. "type"u8, 0x07, 0xa6, .. "packet"u8, 0xa1, (byte)'p', 0xa4, .. "opts"u8, 0x80]), // packet a string
            (Request, [0xdf, 0x7f, 0xff, 0xff, 0xff]),                              // map of 2 billion entries
            (Response, "garbage"u8.ToArray()),
            (Response, "{\"requestId\":5}"u8.ToArray()),                             // requestId a number
            (Response, [0x82, 0xa4, .. "type"u8, 0x09, 0xa9, .. "requestId"u8, 0xc0]), // requestId nil
        ];
    }

    /// <summary>
    /// Runs the scenario; <paramref name="shardedRedis"/> (sharded mode) lets it wait, after sockets join a room, until
    /// each member with the room has subscribed to the room's channel (Node and Typed both subscribe without waiting).
    /// </summary>
    private static async Task AssertScenarioAsync(IReadOnlyList<IAsyncDisposable> cluster, string parser, string scenario, RedisServer? shardedRedis = null)
    {
        string[] arguments = [parser, Url(cluster[0]), Url(cluster[1]), Url(cluster[2]), scenario, .. shardedRedis is null ? Array.Empty<string>() : [shardedRedis.Address]];
        var result = await NodeScript.RunAsync("cluster-scenario.mjs", arguments);
        Assert.True(result.GetProperty("ok").GetBoolean(), $"{scenario}: {result.GetProperty("errors")}\nresults: {result.GetProperty("results")}");
    }

    private static string Url(IAsyncDisposable member) => member switch
    {
        ClusterTypedMember typed => typed.BaseUrl,
        ClusterNodeMember node => node.BaseUrl,
        ClusterProcessMember process => process.BaseUrl,
        _ => throw new ArgumentException("not a member", nameof(member)),
    };

    private static async Task<List<IAsyncDisposable>> StartClusterAsync(RedisServer redis, string[] kinds, string parser, string mode = "classic")
    {
        var cluster = new List<IAsyncDisposable>();
        try
        {
            foreach (var kind in kinds)
            {
                cluster.Add(kind switch
                {
                    "node" => await ClusterNodeMember.StartAsync(redis.Address, parser, mode),
                    "typed-process" => await ClusterProcessMember.StartAsync(redis.Address, parser, mode),
                    _ => await ClusterTypedMember.StartAsync(redis.Address, parser, mode),
                });
            }

            await WaitForSubscribersAsync(redis, kinds.Length, mode);
            return cluster;
        }
        catch
        {
            await DisposeAllAsync(cluster);
            throw;
        }
    }

    /// <summary>
    /// Until every member has subscribed to the request channels of / and /custom (classic), or to their namespace
    /// channels (sharded: what SHARDNUMSUB counts as the servers); bounded.
    /// </summary>
    private static Task WaitForSubscribersAsync(RedisServer redis, int members, string mode = "classic")
    {
        var (prefix, command) = mode == "sharded" ? ("socket.io#", "SHARDNUMSUB") : ("socket.io-request#", "NUMSUB");
        return redis.WaitForSubscribersAsync([prefix + "/#", prefix + "/custom#"], members, command);
    }

    private static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable> members)
    {
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }
}
