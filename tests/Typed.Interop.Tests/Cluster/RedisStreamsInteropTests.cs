using System.Text;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// Clusters of three members on one real Redis in streams mode (@socket.io/redis-streams-adapter 0.3.1), driven by the
/// same scenario script as the classic and sharded modes (tests/js/cluster-scenario.mjs) through the stock
/// socket.io-client: Node-only (the reference: proves the script against Node's streams adapter) and two mixed shapes,
/// which between them send every operation Typed → Node, Node → Typed and Typed → Typed. Then hostile entries on the
/// stream and hostile messages on its pub/sub channel.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class RedisStreamsInteropTests
{
    public static TheoryData<string, string> Clusters() => new()
    {
        { "node,node,node", "json" },
        { "typed,node,typed", "json" },
        { "node,typed,typed", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Clusters))]
    public async Task Every_member_sees_the_same_cluster_and_every_operation_crosses_servers_in_streams_mode(string members, string parser)
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await RedisStreamsCluster.StartAsync(redis, members.Split(','), parser);
        try
        {
            await AssertScenarioAsync(cluster, parser, "all");
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(cluster);
        }
    }

    /// <summary>
    /// Redis killed and restarted (no persistence: the stream is gone): every member re-subscribes, the Typed members'
    /// read loops reconnect on their own connection and resume, and broadcasts from each member arrive again.
    /// </summary>
    [Fact]
    public async Task Broadcasts_cross_servers_again_after_Redis_is_killed_and_restarted_in_streams_mode()
    {
        await using var redis = await RedisServer.StartAsync();
        var cluster = await RedisStreamsCluster.StartAsync(redis, ["typed", "typed", "node"], "json", recovery: true);
        try
        {
            await AssertScenarioAsync(cluster, "json", "broadcast");
            await redis.KillAsync();
            await redis.RestartAsync();
            await RedisStreamsCluster.WaitForMembersAsync(redis, 3, "/");

            // The read loops reconnect on their own (after a failed XREAD, every 500 ms): the scenario waits for
            // each broadcast with its own bounded timeout.
            await AssertScenarioAsync(cluster, "json", "broadcast");
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(cluster);
        }
    }

    [Fact]
    public async Task Hostile_entries_on_the_stream_and_messages_on_its_channel_are_dropped_and_logged_and_the_cluster_keeps_working()
    {
        await using var redis = await RedisServer.StartAsync();
        // Typed members only: what a Node member does with such input is not ours to test.
        var cluster = await RedisStreamsCluster.StartAsync(redis, ["typed", "typed", "typed"], "json", recovery: true);
        try
        {
            var entries = HostileEntries();
            foreach (var fields in entries)
            {
                var arguments = new List<byte[]> { "XADD"u8.ToArray(), "socket.io"u8.ToArray(), "*"u8.ToArray() };
                foreach (var (name, value) in fields)
                {
                    arguments.Add(Encoding.UTF8.GetBytes(name));
                    arguments.Add(value);
                }

                var reply = await redis.CommandAsync(arguments);
                Assert.StartsWith("$", reply, StringComparison.Ordinal);
            }

            var messages = HostileMessages();
            foreach (var message in messages)
            {
                await redis.PublishAsync("socket.io#/#", message);
            }

            // A broadcast after them all: the stream and the channel deliver in order, so the hostile ones came first.
            await AssertScenarioAsync(cluster, "json", "broadcast");
            foreach (var member in cluster.OfType<ClusterTypedMember>())
            {
                Assert.True(member.Dropped.Count >= entries.Count + messages.Count, $"member {member.Port} logged {member.Dropped.Count} dropped messages of {entries.Count + messages.Count}");
            }

            await AssertScenarioAsync(cluster, "json", "all");
        }
        finally
        {
            await RedisStreamsCluster.DisposeAllAsync(cluster);
        }
    }

    /// <summary>Stream entries ({uid, nsp, type, data} as Node writes them) every Typed member must drop.</summary>
    private static List<(string Name, byte[] Value)[]> HostileEntries()
    {
        static (string, byte[]) F(string name, string value) => (name, Encoding.UTF8.GetBytes(value));
        return
        [
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", "{")],                                      // truncated JSON
            [F("uid", "o"), F("nsp", "/"), F("type", "x"), F("data", "{}")],                                     // type not a number
            [F("uid", "o"), F("nsp", "/"), F("type", "99"), F("data", "{}")],                                    // unknown type
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", "!!not base64!!")],                         // neither JSON nor base64
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", Convert.ToBase64String([0xdf, 0x7f, 0xff, 0xff, 0xff]))], // a map of 2 billion entries
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", Convert.ToBase64String([0xc1]))],          // reserved byte
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", "{\"packet\":{\"type\":3,\"data\":[]},\"opts\":{\"rooms\":[],\"except\":[]}}")], // an ACK packet
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", "{\"packet\":{\"type\":2,\"data\":[\"e\"]},\"opts\":5}")], // opts not a map
            [F("uid", "o"), F("nsp", "/"), F("type", "4"), F("data", "{\"opts\":{\"rooms\":[{}],\"except\":[]},\"rooms\":[\"r\"]}")], // a room that is an object
            [F("uid", "o"), F("nsp", "/"), F("type", "3")],                                                      // no data
            [F("nsp", "/"), F("type", "3"), F("data", "{}")],                                                    // no uid
            [F("uid", "o"), F("nsp", "/"), F("type", "3"), F("data", "{\"packet\":" + new string('[', 200) + new string(']', 200) + "}")], // too deep
        ];
    }

    /// <summary>Pub/sub messages on the namespace channel (whole MessagePack messages, as Node's) every Typed member must drop.</summary>
    private static List<byte[]> HostileMessages()
    {
        byte[] header = [0x84, 0xa3, .. "uid"u8, 0xa1, (byte)'o', 0xa3, .. "nsp"u8, 0xa1, (byte)'/', 0xa4, .. "type"u8, 0x09, 0xa4, .. "data"u8];
        return
        [
            "garbage"u8.ToArray(),
            [.. header, 0x81, 0xa6, .. "packet"u8, 0xa1, (byte)'p'],   // a server-side packet that is a string
            [.. header, 0xdf, 0x7f, 0xff, 0xff, 0xff],                  // data: a map of 2 billion entries
            [.. header[..^6]],                                          // truncated
            [0xc1],                                                     // reserved byte
        ];
    }

    private static async Task AssertScenarioAsync(IReadOnlyList<IAsyncDisposable> cluster, string parser, string scenario)
    {
        var urls = cluster.Select(RedisStreamsCluster.Url).ToArray();
        var result = await NodeScript.RunAsync("cluster-scenario.mjs", parser, urls[0], urls[1], urls[2], scenario);
        Assert.True(result.GetProperty("ok").GetBoolean(), $"{scenario}: {result.GetProperty("errors")}\nresults: {result.GetProperty("results")}");
    }
}
