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

            // What PUBSUB NUMSUB counts as the servers (the streams adapter's server count), for / and /custom.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await redis.CountSubscribersAsync("socket.io#/#") < kinds.Count || await redis.CountSubscribersAsync("socket.io#/custom#") < kinds.Count)
            {
                await Task.Delay(50, deadline.Token);
            }

            return cluster;
        }
        catch
        {
            await DisposeAllAsync(cluster);
            throw;
        }
    }

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
