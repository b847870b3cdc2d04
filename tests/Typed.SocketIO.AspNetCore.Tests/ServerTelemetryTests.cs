using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Typed.SocketIO.AspNetCore.Tests.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The server's meter (through the host's <see cref="IMeterFactory"/>, read with <see cref="MetricCollector{T}"/>) and
/// activity source (read with an <see cref="ActivityListener"/>), against a real Kestrel and the .NET client.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ServerTelemetryTests
{
    private const string Meter = "Typed.SocketIO.Server";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_server_meter_counts_a_session_its_events_acks_upgrade_and_disconnect()
    {
        var disconnected = new TaskCompletionSource<SocketIODisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var askTimedOut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelTestHost.StartAsync(
            builder => builder.Services.AddSocketIO(o =>
            {
                o.EngineIO.PingInterval = TimeSpan.FromSeconds(10);
                o.EngineIO.PingTimeout = TimeSpan.FromSeconds(10);
            }),
            app =>
            {
                app.Services.GetRequiredService<SocketIOServer>().MainNamespace.OnConnection(socket =>
                {
                    socket.Disconnected += (_, reason) => disconnected.TrySetResult(reason);
                    socket.On("echo", e => e.Ack(e.Arguments.GetString(0)));
                    socket.On("start", async e =>
                    {
                        socket.Emit("hello", "you");

                        // The client never answers "ask": the acknowledgement times out.
                        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => socket.EmitWithAckAsync("ask", TimeSpan.FromMilliseconds(200)));
                        askTimedOut.TrySetResult();
                    });
                });
                app.MapSocketIO("/socket.io");
            });
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var active = new MetricCollector<long>(factory, Meter, "socketio.server.connections.active");
        using var opened = new MetricCollector<long>(factory, Meter, "socketio.server.connections.opened");
        using var upgrades = new MetricCollector<long>(factory, Meter, "socketio.server.upgrades");
        using var sockets = new MetricCollector<long>(factory, Meter, "socketio.server.sockets.active");
        using var received = new MetricCollector<long>(factory, Meter, "socketio.server.events.received");
        using var sent = new MetricCollector<long>(factory, Meter, "socketio.server.events.sent");
        using var pending = new MetricCollector<long>(factory, Meter, "socketio.server.acks.pending");
        using var timeouts = new MetricCollector<long>(factory, Meter, "socketio.server.acks.timeouts");
        using var bytesIn = new MetricCollector<long>(factory, Meter, "socketio.server.bytes.received");
        using var bytesOut = new MetricCollector<long>(factory, Meter, "socketio.server.bytes.sent");
        using var disconnects = new MetricCollector<long>(factory, Meter, "socketio.server.disconnects");

        await using (var client = new SocketIOClient(host.BaseUri))
        {
            var upgraded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var hello = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var neverAnswered = new TaskCompletionSource();
            client.Upgraded += () => upgraded.TrySetResult();
            var socket = client.Of("/");
            socket.On("hello", _ => hello.TrySetResult());
            socket.On("ask", _ => new ValueTask(neverAnswered.Task));
            await socket.ConnectAsync().WaitAsync(s_bound);
            await upgraded.Task.WaitAsync(s_bound);
            Assert.Equal("hi", (await socket.EmitWithAckAsync("echo", ["hi"], s_bound)).GetString(0));
            socket.Emit("start");
            await hello.Task.WaitAsync(s_bound);
            await askTimedOut.Task.WaitAsync(s_bound);
            neverAnswered.SetResult();
        }

        var reason = await disconnected.Task.WaitAsync(s_bound);
        await active.WaitForMeasurementsAsync(2, s_bound);
        await sockets.WaitForMeasurementsAsync(2, s_bound);

        Assert.Equal([1L, -1L], active.GetMeasurementSnapshot().Select(m => m.Value));
        var open = Assert.Single(opened.GetMeasurementSnapshot());
        Assert.Equal("polling", open.Tags["engineio.transport"]);
        Assert.Equal(1, upgrades.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal([1L, -1L], sockets.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.All(sockets.GetMeasurementSnapshot(), m => Assert.Equal("/", m.Tags["socketio.namespace"]));
        Assert.Equal(2, received.GetMeasurementSnapshot().Sum(m => m.Value)); // echo, start
        Assert.Equal(2, sent.GetMeasurementSnapshot().Sum(m => m.Value)); // hello, ask (acks are not events)
        Assert.Equal([1L, -1L], pending.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(1, Assert.Single(timeouts.GetMeasurementSnapshot()).Value);
        Assert.True(bytesIn.GetMeasurementSnapshot().Sum(m => m.Value) > 0);
        Assert.True(bytesOut.GetMeasurementSnapshot().Sum(m => m.Value) > 0);
        var left = Assert.Single(disconnects.GetMeasurementSnapshot());
        Assert.Equal(reason.ToWireString(), left.Tags["socketio.disconnect.reason"]);

        // No attribute carries a socket id or an event name.
        var all = received.GetMeasurementSnapshot().Concat(sent.GetMeasurementSnapshot()).Concat(disconnects.GetMeasurementSnapshot());
        Assert.All(all, m => Assert.All(m.Tags.Keys, key => Assert.Contains(key, new[] { "socketio.namespace", "socketio.disconnect.reason" })));
    }

    [Fact]
    public async Task Parse_errors_and_limits_are_counted_by_limit_name()
    {
        await using var server = await SocketIOTestServer.StartAsync(
            io => io.MainNamespace.OnConnection(socket => socket.On("slow", _ => new ValueTask(Task.Delay(Timeout.Infinite, socket.Connection.Closed)))),
            o =>
            {
                o.MaxParallelHandlersPerSocket = 1;
                o.MaxQueuedEventsPerSocket = 1;
            });
        var metrics = server.Services.GetRequiredService<IMeterFactory>();
        using var parseErrors = new MetricCollector<long>(metrics, Meter, "socketio.server.parse_errors");
        using var limits = new MetricCollector<long>(metrics, Meter, "socketio.server.limits.hit");

        await using (var garbage = await server.ConnectAsync())
        {
            await garbage.SendAsync("49");
            await garbage.WaitForCloseAsync();
        }

        await using (var flood = await server.ConnectToAsync("/"))
        {
            // One handler slot: the first runs forever, the second waits, the third is past MaxQueuedEventsPerSocket.
            await flood.SendAsync("""42["slow"]""");
            await flood.SendAsync("""42["slow"]""");
            await flood.SendAsync("""42["slow"]""");
            await limits.WaitForMeasurementsAsync(1, s_bound);
        }

        Assert.Equal(1, Assert.Single(parseErrors.GetMeasurementSnapshot()).Value);
        Assert.Equal("MaxQueuedEventsPerSocket", Assert.Single(limits.GetMeasurementSnapshot()).Tags["socketio.limit"]);
    }

    /// <summary>
    /// With connection state recovery on, an emit without ack to one socket is a broadcast to the socket's own room
    /// (numbered and kept for replay, as in socket.io): it counts as a broadcast delivery, as a room broadcast does.
    /// </summary>
    [Fact]
    public async Task With_recovery_on_a_socket_emit_and_a_room_broadcast_count_as_broadcast_deliveries()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io =>
            {
                log.Attach(io.MainNamespace);
                io.MainNamespace.OnConnection(socket => socket.On("join", e =>
                {
                    socket.Join("r");
                    e.Ack();
                }));
            },
            o => o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions());
        var metrics = server.Services.GetRequiredService<IMeterFactory>();
        using var deliveries = new MetricCollector<long>(metrics, Meter, "socketio.server.broadcast.deliveries");
        using var sent = new MetricCollector<long>(metrics, Meter, "socketio.server.events.sent");

        await using var first = (await ConnectRecoverableAsync(server)).Client;
        await using var second = (await ConnectRecoverableAsync(server)).Client;
        var socket = await log.NextAsync();
        foreach (var client in new[] { first, second })
        {
            await client.SendAsync("""421["join"]""");
            Assert.Equal("431[]", await client.ReceiveAsync());
        }

        socket.Emit("hello");
        Assert.StartsWith("""42["hello",""", await first.ReceiveAsync());
        server.IO.To("r").Emit("tick", 1);
        Assert.StartsWith("""42["tick",1,""", await first.ReceiveAsync());
        Assert.StartsWith("""42["tick",1,""", await second.ReceiveAsync());

        Assert.Equal(3, deliveries.GetMeasurementSnapshot().Sum(m => m.Value)); // the emit's one, the room's two
        Assert.All(deliveries.GetMeasurementSnapshot(), m => Assert.Equal("/", m.Tags["socketio.namespace"]));
        Assert.Empty(sent.GetMeasurementSnapshot()); // counted once, as a delivery
    }

    /// <summary>The packets a recovered socket missed are written to it alone: each counts as an event sent.</summary>
    [Fact]
    public async Task With_recovery_on_the_packets_replayed_to_a_recovered_socket_count_as_events_sent()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io => log.Attach(io.MainNamespace),
            o => o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions());
        var metrics = server.Services.GetRequiredService<IMeterFactory>();
        using var sent = new MetricCollector<long>(metrics, Meter, "socketio.server.events.sent");

        var (first, id, pid) = await ConnectRecoverableAsync(server);
        await using var firstConnection = first;
        var socket = await log.NextAsync();
        server.IO.Emit("tick", 1);
        var offset = LastArgument(await first.ReceiveAsync());

        // An abort is a transport close: the session is kept, and what is broadcast meanwhile is kept for it.
        await first.DisposeAsync();
        await log.DisconnectReasonAsync(socket);
        server.IO.Emit("tick", 2);
        server.IO.Emit("tick", 3);
        Assert.Empty(sent.GetMeasurementSnapshot());

        await using var second = await server.ConnectAsync();
        await second.SendAsync($$"""40{"pid":"{{pid}}","offset":"{{offset}}"}""");
        var frames = new[] { await second.ReceiveAsync(), await second.ReceiveAsync(), await second.ReceiveAsync() };
        Assert.Contains(frames, f => f.StartsWith("40{", StringComparison.Ordinal) && f.Contains($"\"sid\":\"{id}\"", StringComparison.Ordinal));
        Assert.Equal(2, frames.Count(f => f.StartsWith("""42["tick",""", StringComparison.Ordinal)));

        Assert.Equal(2, sent.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(sent.GetMeasurementSnapshot(), m => Assert.Equal("/", m.Tags["socketio.namespace"]));
    }

    /// <summary>
    /// Opens a session and joins <c>/</c> with recovery on; returns the socket id and the private session id of the
    /// CONNECT reply <c>40{"sid":"…","pid":"…"}</c>.
    /// </summary>
    private static async Task<(RawSocketIOClient Client, string Id, string Pid)> ConnectRecoverableAsync(SocketIOTestServer server)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync("40");
        var reply = await client.ReceiveAsync();
        Assert.StartsWith("40{", reply, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(reply.AsMemory(2));
        return (client, json.RootElement.GetProperty("sid").GetString()!, json.RootElement.GetProperty("pid").GetString()!);
    }

    /// <summary>The offset a replayable event carries: its last argument.</summary>
    private static string LastArgument(string eventFrame)
    {
        using var json = JsonDocument.Parse(eventFrame.AsMemory(2));
        return json.RootElement.EnumerateArray().Last().GetString()!;
    }

    /// <summary>Clients choose the names of a dynamic namespace's children: as attributes they would be a cardinality attack.</summary>
    [Fact]
    public async Task Children_of_a_dynamic_namespace_share_one_attribute_value()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.Of(new System.Text.RegularExpressions.Regex("^/room-[0-9]+$")));
        using var sockets = new MetricCollector<long>(server.Services.GetRequiredService<IMeterFactory>(), Meter, "socketio.server.sockets.active");

        await using (var first = await server.ConnectToAsync("/room-1"))
        await using (var second = await server.ConnectToAsync("/room-2"))
        {
            await sockets.WaitForMeasurementsAsync(2, s_bound);
        }

        Assert.All(sockets.GetMeasurementSnapshot(), m => Assert.Equal("(dynamic)", m.Tags["socketio.namespace"]));
    }

    [Fact]
    public async Task Activities_cover_connect_and_events_with_low_cardinality_names_and_the_clients_trace_context()
    {
        const string Ns = "/traced";
        var stopped = new ConcurrentQueue<Activity>();
        var seen = new SemaphoreSlim(0);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Typed.SocketIO.Server" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == "Typed.SocketIO.Server" && activity.OperationName.Contains(Ns, StringComparison.Ordinal))
                {
                    stopped.Enqueue(activity);
                    seen.Release();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await using var server = await SocketIOTestServer.StartAsync(io => io.Of(Ns).OnConnection(socket =>
        {
            socket.On("greet", e => e.Ack("hi"));
            socket.On("boom", _ => throw new InvalidOperationException("boom"));
        }));

        // The client's W3C trace context on the handshake: ASP.NET Core continues it, and the CONNECT is its child.
        var traceId = ActivityTraceId.CreateRandom();
        await using var client = new SocketIOClient(server.BaseUri, o =>
        {
            o.Transports = EngineIOTransports.Polling;
            o.ExtraHeaders["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
        });
        var socket = client.Of(Ns);
        await socket.ConnectAsync().WaitAsync(s_bound);
        await socket.EmitWithAckAsync("greet", [], s_bound);
        await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("boom", [], s_bound));
        await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("made-up-name", [], s_bound));
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await seen.WaitAsync(s_bound), "an activity did not stop in time");
        }

        var activities = stopped.ToArray();
        var connect = Assert.Single(activities, a => a.OperationName == "socketio.connect " + Ns);
        Assert.Equal(ActivityKind.Server, connect.Kind);
        Assert.Equal(traceId, connect.TraceId);
        Assert.Equal(Ns, connect.GetTagItem("socketio.namespace"));

        var greet = Assert.Single(activities, a => a.OperationName == $"socketio.event {Ns} greet");
        Assert.Equal(ActivityKind.Consumer, greet.Kind);
        Assert.Equal(true, greet.GetTagItem("socketio.event.declared"));
        Assert.NotEqual(traceId, greet.TraceId); // a root of its own…
        Assert.Contains(greet.Links, link => link.Context.TraceId == traceId); // …linked to the handshake

        var boom = Assert.Single(activities, a => a.OperationName == $"socketio.event {Ns} boom");
        Assert.Equal(ActivityStatusCode.Error, boom.Status);

        // A name no handler declares never names a span: it is a tag of the fixed-name span.
        var unknown = Assert.Single(activities, a => a.OperationName == "socketio.event " + Ns);
        Assert.Equal("made-up-name", unknown.GetTagItem("socketio.event.name"));
        Assert.Equal(false, unknown.GetTagItem("socketio.event.declared"));
    }
}
