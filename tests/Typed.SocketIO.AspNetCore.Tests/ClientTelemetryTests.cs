using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO.AspNetCore.Tests.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The .NET client's static meter <c>Typed.SocketIO.Client</c> (read with a <see cref="MeterListener"/>, keeping only
/// this test's namespace: other tests' clients share the meter) and its log events, against a real Kestrel.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ClientTelemetryTests
{
    private const string Ns = "/client-metrics";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task The_client_meter_counts_its_events_and_acks_per_namespace_and_the_client_logs_its_connection()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Typed.SocketIO.Client")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "socketio.namespace" && (string?)tag.Value == Ns)
                {
                    measurements.Enqueue((instrument.Name, value));
                }
            }
        });
        listener.Start();

        await using var server = await SocketIOTestServer.StartAsync(io => io.Of(Ns).OnConnection(socket =>
        {
            socket.On("echo", e => e.Ack(e.Arguments.GetString(0)));
            socket.On("ignored", _ => { }); // never acknowledged: the client's wait times out
            socket.On("start", _ => socket.Emit("hello"));
        }));
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using var client = new SocketIOClient(server.BaseUri, o => o.LoggerFactory = loggerFactory);
        var upgraded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hello = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Upgraded += () => upgraded.TrySetResult();
        var socket = client.Of(Ns);
        socket.On("hello", _ => hello.TrySetResult());
        await socket.ConnectAsync().WaitAsync(s_bound);
        await upgraded.Task.WaitAsync(s_bound);

        await socket.EmitWithAckAsync("echo", ["x"], s_bound);
        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => socket.EmitWithAckAsync("ignored", [], TimeSpan.FromMilliseconds(200)));
        socket.Emit("start");
        await hello.Task.WaitAsync(s_bound);

        var mine = measurements.ToArray();
        long Sum(string name) => mine.Where(m => m.Instrument == name).Sum(m => m.Value);
        Assert.Equal(3, Sum("socketio.client.events.sent"));
        Assert.Equal(1, Sum("socketio.client.events.received"));
        Assert.Equal([1L, -1L, 1L, -1L], mine.Where(m => m.Instrument == "socketio.client.acks.pending").Select(m => m.Value));
        Assert.Equal(1, Sum("socketio.client.acks.timeouts"));

        var events = logs.Entries.Select(e => e.EventId.Name).ToList();
        Assert.Contains("Connecting", events);
        Assert.Contains("Connected", events);
        Assert.Contains("Upgraded", events);
        Assert.All(logs.Entries, e => Assert.Equal("Typed.SocketIO.Client.SocketIOClient", e.Category));
    }
}
