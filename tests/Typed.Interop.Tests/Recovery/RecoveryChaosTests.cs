using Typed.SocketIO;
using Typed.SocketIO.Client;
using Xunit.Abstractions;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// Connection state recovery under chaos: clients (half polling, half WebSocket) whose TCP connections are cut at
/// random while the server broadcasts numbered packets and the clients send acknowledged emits with retries. Every
/// session must receive each packet exactly once, in order; every acknowledged emit must complete. Bounded in time.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class RecoveryChaosTests(ITestOutputHelper output)
{
    private const int Clients = 6;
    private static readonly TimeSpan ChaosDuration = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Random_cuts_while_broadcasting_lose_duplicate_and_reorder_nothing()
    {
        await using var host = await SocketIOHost.StartAsync("json", configure: options => options.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions
        {
            MaxDisconnectionDuration = TimeSpan.FromSeconds(60),
            MaxPacketsPerSession = 1_000_000,
            MaxBytesPerSession = 1L << 30,
            MaxBufferedPackets = 1_000_000,
            MaxBufferedBytes = 1L << 30,
        });
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        var clients = new List<SocketIOClient>();
        var recorders = new List<TickRecorder>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                var client = Create(new Uri(proxy.BaseUrl), i % 2 == 0 ? "polling" : "websocket", "json");
                clients.Add(client);
                var socket = client.Of("/", o =>
                {
                    o.Retries = 20;
                    o.AckTimeout = TimeSpan.FromSeconds(1);
                });
                recorders.Add(new TickRecorder(socket));
                await socket.ConnectAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            var broadcaster = Broadcaster.Start(n => host.Server.Emit("tick", n));
            using var stopEmits = new CancellationTokenSource();
            var emitters = recorders.Select((r, i) => EmitAcknowledgedAsync(r.Socket, i, stopEmits.Token)).ToArray();

            var random = new Random(16);
            var until = DateTime.UtcNow + ChaosDuration;
            while (DateTime.UtcNow < until)
            {
                await Task.Delay(random.Next(100, 400));
                proxy.CutSome(_ => random.NextDouble() < 0.3);
            }

            // Every client back and receiving before the broadcaster stops.
            recorders.ForEach(r => r.Mark("cuts over"));
            await ChaosEnding.WaitAllAsync(host, recorders, r => r.ReceivingSinceLastConnect, "every client connected and receiving again");
            var stopped = await broadcaster.StopAsync();
            await stopEmits.CancelAsync();
            var acked = await Task.WhenAll(emitters).WaitAsync(TimeSpan.FromSeconds(60));

            // A last packet every client holds, whatever reconnections happened since (see ChaosEnding).
            var last = await ChaosEnding.SendLastPacketAsync(host, recorders, stopped);

            // Per session (a reconnection that did not recover starts a new one): lost counts only in sessions that
            // lived to the end, since a session abandoned by a failed recovery legitimately misses its tail.
            int lost = 0, duplicated = 0, reordered = 0, sessions = 0, recoveries = 0, failedRecoveries = 0;
            foreach (var recorder in recorders)
            {
                var clientSessions = recorder.Sessions;
                sessions += clientSessions.Count;
                recoveries += recorder.Recoveries;
                failedRecoveries += clientSessions.Count - 1;
                for (var s = 0; s < clientSessions.Count; s++)
                {
                    var ticks = clientSessions[s];
                    duplicated += ticks.Length - ticks.Distinct().Count();
                    for (var k = 1; k < ticks.Length; k++)
                    {
                        reordered += ticks[k] <= ticks[k - 1] ? 1 : 0;
                    }

                    if (s == clientSessions.Count - 1 && ticks.Length > 0)
                    {
                        lost += (last - ticks[0] + 1) - ticks.Distinct().Count();
                    }
                }
            }

            output.WriteLine($"clients {Clients}, drops (connections cut) {proxy.CutCount}, disconnects seen {recorders.Sum(r => r.Disconnects)}, recovered reconnections {recoveries}, failed recoveries {failedRecoveries}, sessions {sessions}, packets broadcast {last}, packets received {recorders.Sum(r => r.Count)}, acknowledged emits {acked.Sum()}");
            output.WriteLine($"lost {lost}, duplicated {duplicated}, reordered {reordered}");
            Assert.True(recoveries > 0, "some connections were cut and recovered");
            Assert.Equal((0, 0, 0), (lost, duplicated, reordered));
            Assert.Equal(0, recorders.Sum(r => r.WithoutOffset));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The cause of the run that timed out (issue 16): a client that reconnects after the last packet was sent, and
    /// cannot recover its session, is in a new session that can never receive that packet. Here the recovery fails
    /// deterministically (the session missed more than <c>MaxPacketsPerSession</c>), where in the chaos run it was a
    /// drop the server had not seen yet; the end of the run must still come, and still require the packet of every
    /// session that was there for it.
    /// </summary>
    [Fact]
    public async Task A_reconnection_into_a_new_session_after_the_last_packet_still_ends_the_run()
    {
        await using var host = await SocketIOHost.StartAsync("json", configure: options =>
        {
            options.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions
            {
                MaxDisconnectionDuration = TimeSpan.FromSeconds(60),
                MaxPacketsPerSession = 1,
            };

            // A heartbeat no loaded machine misses: the only reconnection here is the one the test makes.
            options.EngineIO.PingInterval = TimeSpan.FromSeconds(5);
            options.EngineIO.PingTimeout = TimeSpan.FromSeconds(20);
        });
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var cutClient = Create(new Uri(proxy.BaseUrl), "websocket", "json");
        await using var steadyClient = Create(host.BaseUri, "websocket", "json");
        var cut = new TickRecorder(cutClient.Of("/"));
        var steady = new TickRecorder(steadyClient.Of("/"));
        TickRecorder[] recorders = [cut, steady];
        foreach (var recorder in recorders)
        {
            await recorder.Socket.ConnectAsync().WaitAsync(Wait);
        }

        host.Server.Emit("tick", 1);
        await ChaosEnding.WaitAllAsync(host, recorders, r => r.Contains(1), "tick 1");

        // The cut client's socket leaves (its session is kept) and misses two packets: more than its session may replay.
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(host.Server.Of("/").TryGetSocket(cut.Socket.Id!, out var cutSocket));
        cutSocket.Disconnected += (_, _) => left.TrySetResult();
        proxy.Blocked = true;
        proxy.CutAll();
        await left.Task.WaitAsync(Wait);
        host.Server.Emit("tick", 2);
        host.Server.Emit("tick", 3);
        await steady.WaitUntilAsync(r => r.Contains(3), "tick 3");

        // The end starts while the cut client is away; it comes back only once the first last packet (4) is sent, as
        // a new session.
        var ending = ChaosEnding.SendLastPacketAsync(host, recorders, 3);
        await cut.WaitUntilAsync(r => r.History.Contains("packet 4 sent", StringComparison.Ordinal), "the first last packet");
        proxy.Blocked = false;
        var last = await ending.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(5, last);
        Assert.Equal([1, 2, 3, 4, 5], steady.Ticks);
        Assert.Equal(0, cut.Recoveries);
        Assert.Equal(2, cut.Sessions.Count);
        Assert.Equal([1], cut.Sessions[0]);
        Assert.Equal([5], cut.Sessions[1]);
    }

    /// <summary>Acknowledged emits with retries, one after the other, each checked against its echo: none may fail.</summary>
    private static async Task<int> EmitAcknowledgedAsync(SocketIOClientSocket socket, int client, CancellationToken stop)
    {
        var count = 0;
        while (!stop.IsCancellationRequested)
        {
            var key = $"{client}-{count}";
            var answer = await socket.EmitWithAckAsync("message-with-ack", [key]);
            Assert.Equal(key, answer.GetString(0));
            count++;
            await Task.Delay(20, CancellationToken.None);
        }

        return count;
    }
}
