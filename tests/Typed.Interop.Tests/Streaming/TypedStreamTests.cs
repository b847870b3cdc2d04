using Microsoft.Extensions.DependencyInjection;
using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using Typed.SocketIO.Contracts;

namespace Typed.Interop.Tests.Streaming;

/// <summary>
/// Streams (<c>IAsyncEnumerable&lt;T&gt;</c> contract methods, docs/streaming.md) between the typed .NET client and a
/// typed hub, both directions: completion, errors, cancellation from each side, back-pressure, disconnects.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class TypedStreamTests
{
    public static TheoryData<string, string> Modes() => new()
    {
        { "polling", "json" }, { "websocket", "json" }, { "polling", "msgpack" }, { "websocket", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Streams_flow_both_ways_and_end_with_completion_or_the_error(string mode, string parser)
    {
        await using var host = await StreamHubHost.StartAsync(parser, streamWindow: 4);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), mode, parser);
        var socket = client.Of("/stream", o => o.StreamWindow = 4);
        var producer = new NumbersProducer();
        using var registration = socket.Register<IStreamClient>(producer);
        await ClientKit.ConnectAsync(socket, mode);
        var server = socket.CreateProxy<IStreamServer>();

        // Server → client, more items than the window (credit is granted back as they are taken).
        var ticks = new List<Tick>();
        await foreach (var tick in server.Ticks(25).WithCancellation(Timeout()))
        {
            ticks.Add(tick);
        }

        Assert.Equal(Enumerable.Range(0, 25).Select(i => new Tick(i, "tick " + i)), ticks);

        // Client → server: the hub consumes the client's stream (window 4 on the server) and sums it.
        Assert.Equal(Enumerable.Range(0, 30).Sum(), await server.SumFromClient(30).WaitAsync(ClientKit.Wait));
        Assert.False(await producer.Ended.Task.WaitAsync(ClientKit.Wait));

        // A producer that throws: the items before it, then the error the consumer's loop throws.
        var received = new List<int>();
        var error = await Assert.ThrowsAsync<SocketInvocationException>(async () =>
        {
            await foreach (var n in server.Failing(3).WithCancellation(Timeout()))
            {
                received.Add(n);
            }
        });
        Assert.Equal([0, 1, 2], received);
        Assert.Equal(SocketIOErrorCodes.HandlerError, error.Error.Code);
        Assert.Equal("failing", error.EventName);
        await ClientKit.AssertTransportAsync(client, mode);
    }

    [Fact]
    public async Task A_hub_producer_that_throws_is_logged_at_Error_with_its_exception()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StreamHubHost.StartAsync("json", logs: logs);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();

        await Assert.ThrowsAsync<SocketInvocationException>(async () =>
        {
            await foreach (var n in server.Failing(1).WithCancellation(Timeout()))
            {
                _ = n;
            }
        });

        // The handler returned before the iterator threw, so only the stream's own log line records it.
        var entry = Assert.Single(await logs.WaitForAsync(e => e.EventId.Id == 117, count: 1));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, entry.Level);
        Assert.Equal("the producer failed", Assert.IsType<InvalidOperationException>(entry.Exception).Message);
        Assert.Contains("failing", entry.Message, StringComparison.Ordinal);
        Assert.Contains(socket.Id!, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_consumer_cancels_mid_stream_and_the_producer_is_cancelled()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        using var cancel = new CancellationTokenSource();
        var taken = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var n in server.Endless(cancel.Token))
            {
                if (++taken == 5)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(5, taken);
        // $stream-cancel reached the hub: its enumerator's token was cancelled and the enumerator disposed.
        Assert.True(await log.ProducerEnded.Task.WaitAsync(ClientKit.Wait));
    }

    [Fact]
    public async Task The_producer_cancels_mid_stream_and_the_consumer_sees_stream_cancelled()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();

        var received = new List<int>();
        var error = await Assert.ThrowsAsync<SocketInvocationException>(async () =>
        {
            await foreach (var n in server.StopsItself(2).WithCancellation(Timeout()))
            {
                received.Add(n);
            }
        });

        Assert.Equal([0, 1], received);
        Assert.Equal(SocketIOErrorCodes.StreamCancelled, error.Error.Code);
    }

    [Fact]
    public async Task The_server_as_consumer_stops_a_client_stream_and_the_client_producer_is_cancelled()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        var producer = new NumbersProducer();
        using var registration = socket.Register<IStreamClient>(producer);
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();

        Assert.Equal(3, await server.TakeFromClient(3).WaitAsync(ClientKit.Wait));
        Assert.True(await producer.Ended.Task.WaitAsync(ClientKit.Wait));
    }

    [Fact]
    public async Task A_slow_consumer_holds_the_producer_at_the_window()
    {
        const int window = 4;
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream", o => o.StreamWindow = window);
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        using var cancel = new CancellationTokenSource(ClientKit.Wait);
        var consumed = 0;
        await foreach (var n in server.Endless(cancel.Token))
        {
            Assert.Equal(consumed, n);
            if (consumed == 0)
            {
                // The producer may fill the window, and must then stop: give an unbounded one every chance to run
                // ahead (it produces thousands meanwhile) before checking it did not.
                await WaitUntilAsync(() => log.Produced >= window);
                await Task.Delay(300);
                Assert.Equal(window, log.Produced);
            }

            consumed++;
            Assert.True(log.Produced <= consumed + window, $"produced {log.Produced} with {consumed} consumed and a window of {window}");
            if (consumed == 40)
            {
                break;
            }
        }

        Assert.True(await log.ProducerEnded.Task.WaitAsync(ClientKit.Wait));
        Assert.True(log.Produced <= 40 + window, $"produced {log.Produced}");
    }

    [Fact]
    public async Task A_disconnect_mid_stream_ends_the_consumer_with_SocketIODisconnectedException_and_cancels_the_producer()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        var taken = 0;
        await Assert.ThrowsAsync<SocketIODisconnectedException>(async () =>
        {
            await foreach (var n in server.Endless().WithCancellation(Timeout()))
            {
                if (++taken == 3)
                {
                    await server.Kick(); // the server disconnects this socket mid-stream
                }
            }
        });

        Assert.True(await log.ProducerEnded.Task.WaitAsync(ClientKit.Wait));
    }

    [Fact]
    public async Task A_disconnect_mid_stream_ends_the_server_consumer_and_cancels_the_client_producer()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        var producer = new NumbersProducer();
        using var registration = socket.Register<IStreamClient>(producer);
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        await server.ConsumeFromClient();
        await WaitUntilAsync(() => producer.Produced >= 3);
        socket.Disconnect();

        Assert.IsType<SocketIODisconnectedException>(await log.ConsumerEnded.Task.WaitAsync(ClientKit.Wait));
        Assert.True(await producer.Ended.Task.WaitAsync(ClientKit.Wait));
    }

    [Fact]
    public async Task A_broadcast_or_room_peer_cannot_carry_a_stream()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        var context = host.Services.GetRequiredService<ISocketHubContext<StreamHub, IStreamClient>>();

        // A stream has one consumer on one connection: a proxy over a room refuses it before sending anything.
        Assert.Throws<NotSupportedException>(() => context.Clients.Socket("nobody").Numbers(3));
    }

    private static CancellationToken Timeout() => new CancellationTokenSource(ClientKit.Wait).Token;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(ClientKit.Wait);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
