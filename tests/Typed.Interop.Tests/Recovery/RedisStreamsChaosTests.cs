using System.Globalization;
using System.Text;
using Typed.Interop.Tests.Cluster;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using Xunit.Abstractions;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// Connection state recovery across servers under chaos (issue 16: exactly-once where socket.io's streams adapter is
/// not): three Typed members in Redis Streams mode broadcast numbered packets concurrently while six clients (half
/// polling, half WebSocket), each behind its own <see cref="TcpCutProxy"/>, are cut at random and sent to a random
/// member on each cut, so recoveries cross members. Every session must receive each member's packets exactly once and
/// in stream order (the offsets increase); sessions that lived to the end must lose none. Bounded in time.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class RedisStreamsChaosTests(ITestOutputHelper output)
{
    private const int Members = 3;
    private const int Clients = 6;

    /// <summary>A packet is <c>(member + 1) * Sequence + n</c>: one number (what <see cref="TickRecorder"/> reads), each member its own sequence.</summary>
    private const int Sequence = 1_000_000;

    private static readonly TimeSpan ChaosDuration = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Random_cuts_and_moves_across_members_while_all_broadcast_lose_duplicate_and_reorder_nothing()
    {
        await using var redis = await RedisServer.StartAsync();
        var members = new List<ClusterTypedMember>();
        var proxies = new List<TcpCutProxy>();
        var clients = new List<SocketIOClient>();
        try
        {
            for (var m = 0; m < Members; m++)
            {
                members.Add(await ClusterTypedMember.StartAsync(redis.Address, "json", "streams", recovery: true, configure: options =>
                {
                    // Caps no run reaches: a failed recovery here would be a cap, not the hand-over under test. A short
                    // heartbeat so a member sees a long-polling drop (and keeps its session) soon after the cut.
                    options.ConnectionStateRecovery!.MaxDisconnectionDuration = TimeSpan.FromSeconds(60);
                    options.ConnectionStateRecovery.MaxPacketsPerSession = 1_000_000;
                    options.ConnectionStateRecovery.MaxBytesPerSession = 1L << 30;
                    options.ConnectionStateRecovery.MaxBufferedPackets = 1_000_000;
                    options.ConnectionStateRecovery.MaxBufferedBytes = 1L << 30;
                    options.EngineIO.PingInterval = TimeSpan.FromMilliseconds(300);
                    options.EngineIO.PingTimeout = TimeSpan.FromMilliseconds(2000);
                }));
            }

            await RedisStreamsCluster.WaitForMembersAsync(redis, Members, "/");

            var target = Target(members);
            var recorders = new List<TickRecorder>();
            var onMember = new List<int>[Clients];
            var crossed = 0;
            for (var i = 0; i < Clients; i++)
            {
                var proxy = TcpCutProxy.Start(members[i % Members].BaseUrl);
                proxies.Add(proxy);
                var client = Create(new Uri(proxy.BaseUrl), i % 2 == 0 ? "polling" : "websocket", "json");
                clients.Add(client);
                var socket = client.Of("/");
                var seen = onMember[i] = [];
                socket.Connected += s =>
                {
                    // Which member holds the socket now: a recovery on another member than the last connection's crossed.
                    var member = members.FindIndex(m => s.Id is { } id && m.Server.Of("/").TryGetSocket(id, out var held) && held.Connected);
                    lock (seen)
                    {
                        if (s.Recovered && member >= 0 && seen.Count > 0 && seen[^1] >= 0 && seen[^1] != member)
                        {
                            Interlocked.Increment(ref crossed);
                        }

                        seen.Add(member);
                    }
                };
                recorders.Add(new TickRecorder(socket));
                await socket.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            var broadcasters = members.Select((member, m) => Broadcaster.Start(n => member.Server.Emit("tick", ((m + 1) * Sequence) + n), TimeSpan.FromMilliseconds(5))).ToArray();

            var random = new Random(16);
            var until = DateTime.UtcNow + ChaosDuration;
            while (DateTime.UtcNow < until)
            {
                await Task.Delay(random.Next(100, 400));
                foreach (var proxy in proxies.Where(_ => random.NextDouble() < 0.3))
                {
                    // The reconnection goes to a random member (perhaps the same), as behind a load balancer.
                    proxy.Retarget(members[random.Next(Members)].BaseUrl);
                    proxy.CutAll();
                }
            }

            recorders.ForEach(r => r.Mark("cuts over"));
            await ChaosEnding.WaitAllAsync(target, recorders, r => r.ReceivingSinceLastConnect, "every client connected and receiving again");
            var lastSent = new int[Members];
            for (var m = 0; m < Members; m++)
            {
                lastSent[m] = ((m + 1) * Sequence) + await broadcasters[m].StopAsync();
            }

            // The last packet, from member 0 (its sequence goes on), which every client holds (see ChaosEnding).
            lastSent[0] = await ChaosEnding.SendLastPacketAsync(target, recorders, lastSent[0]);

            int lost = 0, duplicated = 0, reordered = 0, outOfStreamOrder = 0, sessions = 0, recoveries = 0, newSessions = 0;
            foreach (var recorder in recorders)
            {
                var ticks = recorder.Sessions;
                var offsets = recorder.SessionOffsets;
                sessions += ticks.Count;
                recoveries += recorder.Recoveries;
                newSessions += ticks.Count - 1;
                for (var s = 0; s < ticks.Count; s++)
                {
                    duplicated += ticks[s].Length - ticks[s].Distinct().Count();
                    for (var k = 1; k < ticks[s].Length; k++)
                    {
                        // Within one member's sequence, numbers increase; across members, stream offsets do.
                        reordered += ticks[s][k] / Sequence == ticks[s][k - 1] / Sequence && ticks[s][k] <= ticks[s][k - 1] ? 1 : 0;
                        outOfStreamOrder += CompareOffsets(offsets[s][k - 1], offsets[s][k]) >= 0 ? 1 : 0;
                    }

                    if (s == ticks.Count - 1)
                    {
                        // Lost, in the session that lived to the end: each member's packets from the first it received to its last.
                        for (var m = 0; m < Members; m++)
                        {
                            var fromMember = ticks[s].Where(t => t / Sequence == m + 1).ToArray();
                            if (fromMember.Length > 0)
                            {
                                lost += (lastSent[m] - fromMember[0] + 1) - fromMember.Distinct().Count();
                            }
                        }
                    }
                }
            }

            var packets = lastSent.Select((last, m) => last - ((m + 1) * Sequence)).Sum();
            output.WriteLine($"members {Members}, clients {Clients}, cuts {proxies.Sum(p => p.CutCount)}, disconnects seen {recorders.Sum(r => r.Disconnects)}, recovered {recoveries}, recovered on another member {Volatile.Read(ref crossed)}, new sessions {newSessions}, sessions {sessions}, packets broadcast {packets} ({string.Join("/", lastSent.Select((last, m) => last - ((m + 1) * Sequence)))}), packets received {recorders.Sum(r => r.Count)}");
            output.WriteLine($"lost {lost}, duplicated {duplicated}, reordered {reordered}, out of stream order {outOfStreamOrder}");
            for (var i = 0; i < recorders.Count; i++)
            {
                if (DescribeFirstDuplicate(recorders[i]) is { } duplicate)
                {
                    output.WriteLine($"client {i}: {duplicate}; history: {recorders[i].History}");
                }
            }

            Assert.True(recoveries > 0, "some connections were cut and recovered");
            Assert.True(Volatile.Read(ref crossed) > 0, "some recoveries crossed members");
            Assert.Equal((0, 0, 0, 0), (lost, duplicated, reordered, outOfStreamOrder));
            Assert.Equal(0, recorders.Sum(r => r.WithoutOffset));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }

            await RedisStreamsCluster.DisposeAllAsync(members);
        }
    }

    /// <summary>
    /// For a failure report: the first packet a session received twice, where (its index in all the client received,
    /// to read against the history's <c>@count</c> marks), and the packets around both copies with their offsets.
    /// </summary>
    private static string? DescribeFirstDuplicate(TickRecorder recorder)
    {
        var ticks = recorder.Ticks;
        var offsets = recorder.Offsets;
        var starts = recorder.SessionStarts;
        for (var s = 0; s < starts.Length; s++)
        {
            var end = s + 1 < starts.Length ? starts[s + 1] : ticks.Length;
            var firstAt = new Dictionary<int, int>();
            for (var i = starts[s]; i < end; i++)
            {
                if (!firstAt.TryAdd(ticks[i], i))
                {
                    string Around(int at) => string.Join(" ", Enumerable.Range(Math.Max(starts[s], at - 3), Math.Min(end, at + 4) - Math.Max(starts[s], at - 3))
                        .Select(k => $"{(k == at ? "*" : "")}{ticks[k]}/{offsets[k]}"));
                    return $"tick {ticks[i]} at #{i}, first at #{firstAt[ticks[i]]} (session from #{starts[s]}); first: {Around(firstAt[ticks[i]])}; again: {Around(i)}";
                }
            }
        }

        return null;
    }

    /// <summary>Stream ids (<c>ms-seq</c>) in stream order; a missing offset sorts first (and is counted on its own).</summary>
    private static int CompareOffsets(string? a, string? b)
    {
        static (long, long) Parse(string? offset)
        {
            if (offset is null || offset.Split('-') is not [var ms, var seq])
            {
                return (-1, -1);
            }

            return (long.Parse(ms, CultureInfo.InvariantCulture), long.Parse(seq, CultureInfo.InvariantCulture));
        }

        return Parse(a).CompareTo(Parse(b));
    }

    /// <summary>The cluster as the chaos ending sees it: sockets on every member, the last packets from member 0.</summary>
    private static ChaosTarget Target(List<ClusterTypedMember> members) => new(
        () => members.SelectMany(m => m.Server.Of("/").Adapter.GetSockets([])).ToHashSet(StringComparer.Ordinal),
        n => members[0].Server.Emit("tick", n),
        id => members.Any(m => m.Server.Of("/").TryGetSocket(id, out var socket) && socket.Connected),
        recorders =>
        {
            var text = new StringBuilder();
            for (var i = 0; i < recorders.Count; i++)
            {
                var socket = recorders[i].Socket;
                var holders = members.Select((m, index) => (index, held: socket.Id is { } id && m.Server.Of("/").TryGetSocket(id, out var s) ? s : null))
                    .Where(h => h.held is not null)
                    .Select(h => $"member {h.index} (connected {h.held!.Connected}, rooms [{string.Join(",", h.held.Rooms)}])");
                text.AppendLine($"client {i}: connected {socket.IsConnected}, id {socket.Id}, engine {socket.Client.EngineId} ({socket.Client.Transport}), ticks {recorders[i].Count}; held by [{string.Join("; ", holders)}]; history: {recorders[i].History}");
            }

            return text.ToString();
        });
}
