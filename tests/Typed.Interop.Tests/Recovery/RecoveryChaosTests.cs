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
                await socket.ConnectAsync().WaitAsync(Wait);
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

            // Every client back and receiving before the last packet is sent: a client that started a new session
            // after it could never receive it.
            foreach (var recorder in recorders)
            {
                await recorder.WaitUntilAsync(r => r.ReceivingSinceLastConnect, "every client connected and receiving again", TimeSpan.FromSeconds(60));
            }

            var last = await broadcaster.StopAsync();
            await stopEmits.CancelAsync();
            var acked = await Task.WhenAll(emitters).WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var recorder in recorders)
            {
                await recorder.WaitUntilAsync(r => r.Contains(last) && r.Socket.IsConnected, $"tick {last} on every client", TimeSpan.FromSeconds(60));
            }

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
