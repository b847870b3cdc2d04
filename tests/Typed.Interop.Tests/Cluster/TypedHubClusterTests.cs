using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using Typed.SocketIO.Redis;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// A typed hub (<see cref="ClusterHub"/>, generated contracts) on two Typed servers sharing one real Redis, with the
/// typed .NET client on each: <c>Clients.All</c>, <c>Clients.Room</c>, <c>Clients.Except</c>, <c>Clients.User</c> and a
/// typed broadcast with acknowledgements reach the sockets of both servers, in classic and sharded modes, both parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class TypedHubClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string> Cases() => new()
    {
        { "classic", "json" },
        { "classic", "msgpack" },
        { "sharded", "json" },
        { "sharded", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Typed_hub_broadcasts_and_broadcast_acks_reach_dotnet_clients_on_both_servers(string mode, string parser)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var serverA = await StartServerAsync(redis.Address, mode, parser);
        await using var serverB = await StartServerAsync(redis.Address, mode, parser);
        var clients = new List<SocketIOClient>();
        try
        {
            // Server A: ann. Server B: ann again (a user with a socket on each server) and bob.
            var aAnn = await ConnectAsync(clients, serverA, parser, "a-ann", "ann");
            var bAnn = await ConnectAsync(clients, serverB, parser, "b-ann", "ann");
            var bBob = await ConnectAsync(clients, serverB, parser, "b-bob", "bob");
            Assert.True(await aAnn.Hub.Join("r").WaitAsync(Wait));
            Assert.True(await bBob.Hub.Join("r").WaitAsync(Wait));
            await WaitForSubscribersAsync(redis, mode, "/hub", 2);
            if (mode == "sharded")
            {
                // Dynamic subscription mode: a single-room broadcast goes to the room's own channel, which each server
                // subscribes to (without waiting) once it has a socket in the room. Both servers have r and ann.
                await WaitForSubscribersAsync(redis, mode, "/hub", 2, "r");
                await WaitForSubscribersAsync(redis, mode, "/hub", 2, SocketIOUserRooms.For("ann"));
            }

            Assert.Equal(2, await serverA.Services.GetRequiredService<SocketIOServer>().Of("/hub").ServerCountAsync());

            // Clients.All from B: A's client gets it through Redis.
            Assert.True(await bAnn.Hub.ToAll("all-from-b").WaitAsync(Wait));
            await Task.WhenAll(aAnn.WaitForAsync("all-from-b"), bAnn.WaitForAsync("all-from-b"), bBob.WaitForAsync("all-from-b"));

            // Clients.Room from A: bob (on B) and ann on A are in r.
            Assert.True(await aAnn.Hub.ToRoom("r", "room-from-a").WaitAsync(Wait));
            await Task.WhenAll(aAnn.WaitForAsync("room-from-a"), bBob.WaitForAsync("room-from-a"));

            // Clients.Except from A: everyone but r's members, so only ann's socket on B.
            Assert.True(await aAnn.Hub.ToAllExcept("r", "except-from-a").WaitAsync(Wait));
            await bAnn.WaitForAsync("except-from-a");

            // Clients.User from B: both of ann's sockets, one of them on A.
            Assert.True(await bBob.Hub.ToUser("ann", "user-from-b").WaitAsync(Wait));
            await Task.WhenAll(aAnn.WaitForAsync("user-from-b"), bAnn.WaitForAsync("user-from-b"));

            // A typed broadcast with acknowledgements from each server: every client answers, across Redis.
            string[] everyone = ["a-ann", "b-ann", "b-bob"];
            Assert.Equal(everyone, await aAnn.Hub.AskAll("from a?").WaitAsync(Wait));
            Assert.Equal(everyone, await bBob.Hub.AskAll("from b?").WaitAsync(Wait));

            // Nobody got what was not addressed to them: a last broadcast from each server closes the run.
            Assert.True(await aAnn.Hub.ToAll("end-a").WaitAsync(Wait));
            Assert.True(await bAnn.Hub.ToAll("end-b").WaitAsync(Wait));
            foreach (var client in new[] { aAnn, bAnn, bBob })
            {
                await Task.WhenAll(client.WaitForAsync("end-a"), client.WaitForAsync("end-b"));
            }

            Assert.Equal(["all-from-b", "end-a", "end-b", "room-from-a", "user-from-b"], aAnn.Notes);
            Assert.Equal(["all-from-b", "end-a", "end-b", "except-from-a", "user-from-b"], bAnn.Notes);
            Assert.Equal(["all-from-b", "end-a", "end-b", "room-from-a"], bBob.Notes);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static Task<KestrelTestHost> StartServerAsync(string redis, string mode, string parser) => KestrelTestHost.StartAsync(
        builder =>
        {
            builder.Services.AddSingleton<ISocketIOUserIdProvider, AuthUserIdProvider>();
            builder.Services.AddSocketIO(o => o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json);
            builder.Services.AddSocketIORedis(o =>
            {
                o.Configuration = redis;
                o.RequestTimeout = TimeSpan.FromSeconds(2);
                o.Mode = mode == "sharded" ? SocketIORedisMode.Sharded : SocketIORedisMode.Classic;
            });
        },
        app =>
        {
            app.MapSocketIO();
            app.MapSocketHub<ClusterHub>("/hub");
        });

    private static async Task<HubClient> ConnectAsync(List<SocketIOClient> clients, KestrelTestHost server, string parser, string label, string user)
    {
        var client = new SocketIOClient(new Uri(server.BaseUrl), o =>
        {
            o.Transports = EngineIOTransports.WebSocket;
            o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
            o.ConnectTimeout = Wait;
        });
        clients.Add(client);
        var socket = client.Of("/hub", o => o.Auth = new Dictionary<string, string> { ["user"] = user });
        var receiver = new HubClient(label, socket.CreateProxy<IClusterHubServer>());
        socket.Register<IClusterHubClient>(receiver);
        await socket.ConnectAsync().WaitAsync(Wait);
        return receiver;
    }

    /// <summary>Until <paramref name="count"/> servers subscribe to the namespace's (or a room's) channel; bounded.</summary>
    private static Task WaitForSubscribersAsync(RedisServer redis, string mode, string nsp, int count, string? room = null)
    {
        var (channel, command) = mode == "sharded" ? ($"socket.io#{nsp}#{(room is null ? "" : room + "#")}", "SHARDNUMSUB") : ($"socket.io-request#{nsp}#", "NUMSUB");
        return redis.WaitForSubscribersAsync([channel], count, command, Wait);
    }

    /// <summary>One typed client: its hub proxy and what it received.</summary>
    private sealed class HubClient(string label, IClusterHubServer hub) : IClusterHubClient
    {
        private readonly Lock _gate = new();
        private readonly List<string> _notes = [];
        private readonly Dictionary<string, TaskCompletionSource> _waiters = [];

        public IClusterHubServer Hub => hub;

        /// <summary>The notes received so far, sorted (deliveries from two servers have no order between them).</summary>
        public string[] Notes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _notes.Order(StringComparer.Ordinal)];
                }
            }
        }

        public Task Note(string text)
        {
            lock (_gate)
            {
                _notes.Add(text);
                if (_waiters.Remove(text, out var waiter))
                {
                    waiter.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }

        public Task<string> Answer(string question) => Task.FromResult(label);

        public async Task WaitForAsync(string text)
        {
            Task waiting;
            lock (_gate)
            {
                if (_notes.Contains(text))
                {
                    return;
                }

                if (!_waiters.TryGetValue(text, out var waiter))
                {
                    _waiters[text] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                waiting = waiter.Task;
            }

            try
            {
                await waiting.WaitAsync(Wait);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{label}: no note '{text}' within {Wait}; got [{string.Join(", ", Notes)}]");
            }
        }
    }
}
