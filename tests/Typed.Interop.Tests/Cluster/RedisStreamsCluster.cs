namespace Typed.Interop.Tests.Cluster;

/// <summary>Members of one Redis Streams cluster (Typed and Node, @socket.io/redis-streams-adapter 0.3.1), for the streams tests.</summary>
internal static class RedisStreamsCluster
{
    public static async Task<List<IAsyncDisposable>> StartAsync(RedisServer redis, IReadOnlyList<string> kinds, string parser, bool recovery = false)
    {
        var cluster = new List<IAsyncDisposable>();
        try
        {
            foreach (var kind in kinds)
            {
                cluster.Add(kind == "node"
                    ? await ClusterNodeMember.StartAsync(redis.Address, parser, "streams", recovery)
                    : await ClusterTypedMember.StartAsync(redis.Address, parser, "streams", recovery));
            }

            await WaitForMembersAsync(redis, kinds.Count, "/", "/custom");

            return cluster;
        }
        catch
        {
            await DisposeAllAsync(cluster);
            throw;
        }
    }

    /// <summary>
    /// Until <paramref name="count"/> members listen on each namespace: what PUBSUB NUMSUB counts as the servers (the
    /// streams adapter's server count, which each member checks before it broadcasts).
    /// </summary>
    public static Task WaitForMembersAsync(RedisServer redis, int count, params string[] namespaces) =>
        redis.WaitForSubscribersAsync([.. namespaces.Select(nsp => $"socket.io#{nsp}#")], count);

    public static string Url(IAsyncDisposable member) => member switch
    {
        ClusterTypedMember typed => typed.BaseUrl,
        ClusterNodeMember node => node.BaseUrl,
        _ => throw new ArgumentException("not a member", nameof(member)),
    };

    public static async Task DisposeAllAsync(IEnumerable<IAsyncDisposable> members)
    {
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }
}
