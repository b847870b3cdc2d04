using System.Diagnostics;
using Typed.SocketIO.Client;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// The per-socket event queue, server and .NET client together over a real Kestrel: handlers that await their own
/// peer's acknowledgements, retried emits, bursts, slow handlers and large events. Every wait is bounded; a freeze
/// shows as a bound that runs out.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class EventQueueTests
{
    /// <summary>Generous: 2,000 round trips on a loaded 2-core machine; a frozen queue never finishes at all.</summary>
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    /// <summary>
    /// socket.io-client's "retry" test, with our client: <c>Retries = 3</c> and a short <c>AckTimeout</c>; the server's
    /// handler holds its first three attempts (it never acks them while the test runs) and acks the fourth. The
    /// retries are new events from the same client while earlier handlers still wait: one-at-a-time dispatch saw one
    /// attempt and the emit failed.
    /// </summary>
    [Fact]
    public async Task A_retried_emit_reaches_the_server_four_times_while_earlier_attempts_are_still_held()
    {
        var attempts = 0;
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket => socket.On("retry-me", async e =>
        {
            if (Interlocked.Increment(ref attempts) < 4)
            {
                await hold.Task;
                return;
            }

            e.Ack("done");
        })));
        await using var client = new SocketIOClient(server.BaseUri);
        var socket = client.Of("/", o =>
        {
            o.Retries = 3;
            o.AckTimeout = TimeSpan.FromMilliseconds(300);
        });
        await socket.ConnectAsync().WaitAsync(s_bound);

        try
        {
            var reply = await socket.EmitWithAckAsync("retry-me", ["payload"]).WaitAsync(s_bound);

            Assert.Equal("done", reply.GetString(0));
            Assert.Equal(4, Volatile.Read(ref attempts));
        }
        finally
        {
            hold.TrySetResult();
        }
    }

    /// <summary>
    /// Server bug 1: 2,000 events whose handlers each await an acknowledgement from the same client. They all run
    /// at once, and the acknowledgements (and pongs) behind the burst are read whatever the handlers do: before, the
    /// full queue stopped the receive loop, one answer came in 30 s, then the ping timeout.
    /// </summary>
    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public async Task Two_thousand_handlers_awaiting_the_same_clients_acks_all_complete(string parser)
    {
        const int count = 2000;
        await using var server = await StartAsync(
            io => io.MainNamespace.OnConnection(socket => socket.On("ask", async e =>
            {
                var answer = await e.Socket.EmitWithAckAsync("confirm", TimeSpan.FromSeconds(50), e.Arguments.GetJsonElement(0).GetInt32());
                e.Ack(answer.GetJsonElement(0).GetInt32() + 1);
            })),
            o =>
            {
                o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;

                // Every handler waits for one acknowledgement at the same moment: this scenario needs 2,000 outstanding.
                o.MaxPendingAcksPerSocket = 4096;
            });
        await using var client = new SocketIOClient(server.BaseUri, o => o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json);
        var socket = client.Of("/");
        socket.On("confirm", e => e.Ack(e.Arguments.GetJsonElement(0).GetInt32() * 2));
        var disconnects = 0;
        socket.Disconnected += (_, _) => Interlocked.Increment(ref disconnects);
        await socket.ConnectAsync().WaitAsync(s_bound);

        var replies = Enumerable.Range(0, count).Select(i => socket.EmitWithAckAsync("ask", [i], TimeSpan.FromSeconds(55))).ToArray();
        var results = await Task.WhenAll(replies).WaitAsync(s_bound);

        Assert.Equal(Enumerable.Range(0, count).Select(i => (i * 2) + 1), results.Select(r => r.GetJsonElement(0).GetInt32()));
        Assert.Equal(0, Volatile.Read(ref disconnects));
    }

    /// <summary>
    /// Server bug 2: one-at-a-time handlers, one that never completes, then more events than the queue holds. The
    /// socket must leave (its namespace, its rooms, its Disconnected handlers) without waiting for that handler:
    /// before, the receive loop waited on the full queue and the close waited behind it, forever.
    /// </summary>
    [Fact]
    public async Task A_flood_behind_a_stuck_handler_disconnects_the_socket_without_waiting_for_the_handler()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource<(SocketIOSocket, SocketIODisconnectReason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(
            io => io.MainNamespace.OnConnection(socket =>
            {
                socket.Join("room-a");
                socket.On("work", async _ => await stuck.Task);
                socket.Disconnected += (s, reason) => left.TrySetResult((s, reason));
            }),
            o =>
            {
                o.MaxParallelHandlersPerSocket = 1;
                o.MaxQueuedEventsPerSocket = 8;
            });

        // WebSocket only: the test is about the queue, not about a close racing an upgrade.
        await using var client = new SocketIOClient(server.BaseUri, o => o.Transports = EngineIOTransports.WebSocket);
        var socket = client.Of("/");
        var clientSaw = new TaskCompletionSource<SocketIOClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.Disconnected += (_, reason) => clientSaw.TrySetResult(reason);
        await socket.ConnectAsync().WaitAsync(s_bound);

        try
        {
            for (var i = 0; i < 20; i++)
            {
                socket.Emit("work", i);
            }

            var (gone, reason) = await left.Task.WaitAsync(s_bound);

            Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, reason);
            Assert.False(server.IO.MainNamespace.TryGetSocket(gone.Id, out _));
            Assert.Empty(server.IO.MainNamespace.Adapter.GetSockets(["room-a"]));
            Assert.Equal(SocketIOClientDisconnectReason.IOServerDisconnect, await clientSaw.Task.WaitAsync(s_bound));
            Assert.Contains(server.Logs.Entries, entry => entry.EventId.Id == 115);
        }
        finally
        {
            stuck.TrySetResult();
        }
    }

    /// <summary>
    /// Server bug 2 as it was reported: a handler that never completes, events queued behind it, then the client
    /// leaves. The socket leaves its namespace and rooms and its Disconnected handlers run without waiting for that
    /// handler, and the host then stops at once: before, the close waited behind the handler lane, the socket stayed
    /// registered, and host shutdown took its full 30 s timeout.
    /// </summary>
    [Fact]
    public async Task A_client_leaving_while_a_handler_never_completes_is_cleaned_up_and_the_host_stops_at_once()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource<(SocketIOSocket, SocketIODisconnectReason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(
            io => io.MainNamespace.OnConnection(socket =>
            {
                socket.Join("room-a");
                socket.On("work", async _ =>
                {
                    started.TrySetResult();
                    await stuck.Task;
                });
                socket.Disconnected += (s, reason) => left.TrySetResult((s, reason));
            }),
            o => o.MaxParallelHandlersPerSocket = 1);

        try
        {
            var client = new SocketIOClient(server.BaseUri, o => o.Transports = EngineIOTransports.WebSocket);
            var socket = client.Of("/");
            await socket.ConnectAsync().WaitAsync(s_bound);
            for (var i = 0; i < 50; i++)
            {
                socket.Emit("work", i);
            }

            await started.Task.WaitAsync(s_bound);
            await client.DisposeAsync(); // closes its Engine.IO connection

            var (gone, reason) = await left.Task.WaitAsync(s_bound);
            Assert.Equal(SocketIODisconnectReason.TransportClose, reason);
            Assert.False(server.IO.MainNamespace.TryGetSocket(gone.Id, out _));
            Assert.Empty(server.IO.MainNamespace.Adapter.GetSockets(["room-a"]));

            // Far below the host's 30 s shutdown timeout, which a stop waiting for the stuck handler would run out.
            var stopping = Stopwatch.StartNew();
            await server.StopAsync().WaitAsync(s_bound);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"the host took {stopping.Elapsed} to stop");
        }
        finally
        {
            stuck.TrySetResult();
        }
    }

    /// <summary>
    /// Server bug 5: large events behind slow handlers are bounded in bytes, not in count: past
    /// <c>MaxQueuedBytesPerSocket</c> (4 MiB by default) the socket is disconnected instead of pinning what the client
    /// sends (before, 400 events of 0.9 MB pinned 360 MB).
    /// </summary>
    [Fact]
    public async Task Large_events_behind_slow_handlers_are_bounded_in_bytes()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var left = new TaskCompletionSource<SocketIODisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket =>
        {
            socket.On("upload", async _ =>
            {
                Interlocked.Increment(ref started);
                await stuck.Task;
            });
            socket.Disconnected += (_, reason) => left.TrySetResult(reason);
        }));
        await using var client = new SocketIOClient(server.BaseUri, o => o.Transports = EngineIOTransports.WebSocket);
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(s_bound);
        var chunk = new byte[900_000];

        try
        {
            for (var i = 0; i < 20; i++)
            {
                socket.Emit("upload", chunk);
            }

            Assert.Equal(SocketIODisconnectReason.ServerNamespaceDisconnect, await left.Task.WaitAsync(s_bound));

            // 4 MiB hold four of them; the fifth was refused.
            Assert.Equal(4, Volatile.Read(ref started));
            Assert.Contains(server.Logs.Entries, entry => entry.EventId.Id == 115 && entry.Message.Contains("MaxQueuedBytesPerSocket", StringComparison.Ordinal));
        }
        finally
        {
            stuck.TrySetResult();
        }
    }

    /// <summary>
    /// Server bug 5, across namespaces: one connection's sockets share <c>MaxQueuedBytesPerConnection</c>, so a client
    /// cannot multiply the per-socket bound by opening namespaces. Each socket here stays under its own 4 MiB; together
    /// they pass the connection's 2 MiB, and the connection closes (every socket on it leaves).
    /// </summary>
    [Fact]
    public async Task Large_events_spread_over_namespaces_are_bounded_per_connection()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new Dictionary<string, int> { ["/a"] = 0, ["/b"] = 0 };
        var left = new Dictionary<string, TaskCompletionSource<SocketIODisconnectReason>>
        {
            ["/a"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["/b"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        await using var server = await StartAsync(
            io =>
            {
                foreach (var name in left.Keys)
                {
                    io.Of(name).OnConnection(socket =>
                    {
                        socket.On("upload", async _ =>
                        {
                            lock (started)
                            {
                                started[name]++;
                            }

                            await stuck.Task;
                        });
                        socket.Disconnected += (_, reason) => left[name].TrySetResult(reason);
                    });
                }
            },
            o => o.MaxQueuedBytesPerConnection = 2 * 1024 * 1024);
        await using var client = new SocketIOClient(server.BaseUri, o =>
        {
            o.Transports = EngineIOTransports.WebSocket;
            o.Reconnection = false;
        });
        var a = client.Of("/a");
        var b = client.Of("/b");
        await Task.WhenAll(a.ConnectAsync(), b.ConnectAsync()).WaitAsync(s_bound);
        var chunk = new byte[900_000];

        try
        {
            // 1.8 MB on /a fits the connection's 2 MiB; the next 0.9 MB, on /b, does not.
            a.Emit("upload", chunk);
            a.Emit("upload", chunk);
            b.Emit("upload", chunk);

            Assert.Equal(SocketIODisconnectReason.ForcedServerClose, await left["/a"].Task.WaitAsync(s_bound));
            Assert.Equal(SocketIODisconnectReason.ForcedServerClose, await left["/b"].Task.WaitAsync(s_bound));
            lock (started)
            {
                Assert.Equal(2, started["/a"]);
                Assert.Equal(0, started["/b"]);
            }

            Assert.Contains(server.Logs.Entries, entry => entry.EventId.Id == 116 && entry.Message.Contains("MaxQueuedBytesPerConnection", StringComparison.Ordinal));
        }
        finally
        {
            stuck.TrySetResult();
        }
    }

    /// <summary>
    /// Client bug 7: the server sends 2,000 events and each client handler awaits an acknowledgement from the server.
    /// All are handled, with no reconnect: before, the client's queue blocked its receive loop (and a timer thread),
    /// the acknowledgements behind the burst went unread, the connection died after 10 s and ~971 events were lost.
    /// </summary>
    [Fact]
    public async Task Two_thousand_client_handlers_awaiting_the_servers_acks_all_complete_without_reconnecting()
    {
        const int count = 2000;
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket =>
        {
            socket.On("go", e =>
            {
                for (var i = 0; i < count; i++)
                {
                    e.Socket.Emit("job", i);
                }
            });
            socket.On("confirm", e => e.Ack(e.Arguments.GetJsonElement(0).GetInt32()));
        }));
        await using var client = new SocketIOClient(server.BaseUri);
        var handled = 0;
        var reconnects = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ReconnectAttempt += _ => Interlocked.Increment(ref reconnects);
        var failures = new List<string>();
        client.HandlerFailed += (name, ex) =>
        {
            lock (failures)
            {
                failures.Add($"{name}: {ex.Message}");
            }
        };
        var socket = client.Of("/");
        socket.On("job", async e =>
        {
            var i = e.Arguments.GetJsonElement(0).GetInt32();
            var echoed = await e.Socket.EmitWithAckAsync("confirm", [i], TimeSpan.FromSeconds(55));
            Assert.Equal(i, echoed.GetJsonElement(0).GetInt32());
            if (Interlocked.Increment(ref handled) == count)
            {
                done.TrySetResult();
            }
        });
        await socket.ConnectAsync().WaitAsync(s_bound);

        socket.Emit("go");
        await done.Task.WaitAsync(s_bound);

        Assert.Equal(count, Volatile.Read(ref handled));
        Assert.Equal(0, Volatile.Read(ref reconnects));
        Assert.Empty(failures);
    }

    /// <summary>A test server whose heartbeat a busy 2-core machine cannot miss: these tests are about queues, not pongs.</summary>
    private static Task<SocketIOTestServer> StartAsync(Action<SocketIOServer> configureServer, Action<SocketIOOptions>? configure = null) =>
        SocketIOTestServer.StartAsync(configureServer, o =>
        {
            o.EngineIO.PingInterval = TimeSpan.FromSeconds(10);
            o.EngineIO.PingTimeout = TimeSpan.FromSeconds(20);
            o.ConnectTimeout = TimeSpan.FromSeconds(10);
            configure?.Invoke(o);
        });
}
