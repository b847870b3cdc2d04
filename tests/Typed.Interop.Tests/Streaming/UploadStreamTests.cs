using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using Typed.SocketIO.Contracts;

namespace Typed.Interop.Tests.Streaming;

/// <summary>
/// Upload streams (an <c>IAsyncEnumerable&lt;T&gt;</c> argument, docs/streaming.md) between the typed .NET client and
/// a typed hub, both directions: completion, the uploader's error, back-pressure, cancellation from each side, disconnects.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class UploadStreamTests
{
    public static TheoryData<string, string> Modes() => new()
    {
        { "polling", "json" }, { "websocket", "json" }, { "polling", "msgpack" }, { "websocket", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Uploads_flow_both_ways_and_the_uploaders_error_reaches_the_uploader(string mode, string parser)
    {
        await using var host = await StreamHubHost.StartAsync(parser, streamWindow: 4);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), mode, parser);
        var socket = client.Of("/stream", o => o.StreamWindow = 4);
        using var registration = socket.Register<IStreamClient>(new NumbersProducer());
        await ClientKit.ConnectAsync(socket, mode);
        var server = socket.CreateProxy<IStreamServer>();

        // Client → server, more items than the hub's window of 4 (it grants credit back as it takes them).
        Assert.Equal(Enumerable.Range(0, 30).Sum(), await server.SumUpload("numbers", Numbers(30, new Counter())).WaitAsync(ClientKit.Wait));

        // Server → client: the hub uploads to the client's handler (client window 4) and returns its answer.
        Assert.Equal(Enumerable.Range(0, 25).Sum(), await server.UploadToClient(25).WaitAsync(ClientKit.Wait));

        // The uploader's items throw: the hub's loop fails, and the uploader's call throws its own exception.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => server.SumUpload("numbers", Failing(3)).WaitAsync(ClientKit.Wait));
        Assert.Equal("the upload failed", error.Message);
        await ClientKit.AssertTransportAsync(client, mode);
    }

    [Fact]
    public async Task A_slow_receiver_holds_the_uploader_at_the_window()
    {
        const int window = 4;
        await using var host = await StreamHubHost.StartAsync("json", streamWindow: window);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        var counter = new Counter();
        var call = server.HoldUpload(Numbers(-1, counter));
        await log.UploadHeld.Task.WaitAsync(ClientKit.Wait);

        // The hub took one item and waits: the uploader may fill the window, and must then stop. An unbounded one
        // would produce thousands meanwhile.
        await WaitUntilAsync(() => counter.Produced >= window);
        await Task.Delay(300);
        Assert.Equal(window, counter.Produced);

        log.ReleaseUpload.SetResult();
        Assert.Equal(40, await call.WaitAsync(ClientKit.Wait));

        // The hub returned before the end: the upload was cancelled at the uploader, which stayed within the window.
        Assert.True(await counter.Ended.Task.WaitAsync(ClientKit.Wait));
        Assert.True(counter.Produced <= 41 + window, $"produced {counter.Produced}");
    }

    [Fact]
    public async Task The_receiver_stops_reading_and_the_uploader_is_cancelled()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "polling", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "polling");
        var server = socket.CreateProxy<IStreamServer>();

        var counter = new Counter();
        Assert.Equal(3, await server.TakeUpload(Numbers(-1, counter), 3).WaitAsync(ClientKit.Wait));
        Assert.True(await counter.Ended.Task.WaitAsync(ClientKit.Wait));
    }

    [Fact]
    public async Task The_uploader_cancels_and_the_receiver_sees_stream_cancelled()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        using var cancel = new CancellationTokenSource();
        var counter = new Counter();
        var call = server.SumUpload("numbers", Numbers(-1, counter), cancel.Token);
        await WaitUntilAsync(() => counter.Produced >= 5);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(ClientKit.Wait));
        Assert.True(await counter.Ended.Task.WaitAsync(ClientKit.Wait));

        // SumUpload is not ConsumeUpload: use the consumer that reports, in a second call.
        counter = new Counter();
        using var cancel2 = new CancellationTokenSource();
        var consume = socket.CreateProxy<IStreamServer>().ConsumeUpload(Numbers(-1, counter, cancel2.Token));
        await WaitUntilAsync(() => counter.Produced >= 5);
        await cancel2.CancelAsync();
        var ended = await log.ConsumerEnded.Task.WaitAsync(ClientKit.Wait);
        var invocation = Assert.IsType<SocketInvocationException>(ended);
        Assert.Equal(SocketIOErrorCodes.StreamCancelled, invocation.Error.Code);
        await consume.WaitAsync(ClientKit.Wait);
    }

    [Fact]
    public async Task A_disconnect_mid_upload_ends_the_receiver_with_SocketIODisconnectedException_and_fails_the_upload()
    {
        await using var host = await StreamHubHost.StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/stream");
        await ClientKit.ConnectAsync(socket, "websocket");
        var server = socket.CreateProxy<IStreamServer>();
        var log = host.Services.GetRequiredService<StreamLog>();

        var counter = new Counter();
        var call = server.ConsumeUpload(Numbers(-1, counter));
        await WaitUntilAsync(() => counter.Produced >= 3);
        socket.Disconnect();

        Assert.IsType<SocketIODisconnectedException>(await log.ConsumerEnded.Task.WaitAsync(ClientKit.Wait));
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => call.WaitAsync(ClientKit.Wait));
        Assert.True(await counter.Ended.Task.WaitAsync(ClientKit.Wait));
    }

    private static async IAsyncEnumerable<int> Numbers(int count, Counter counter, CancellationToken own = default, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            for (var i = 0; count < 0 || i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                own.ThrowIfCancellationRequested();
                await Task.Yield();
                counter.Add();
                yield return i;
            }
        }
        finally
        {
            counter.Ended.TrySetResult(cancellationToken.IsCancellationRequested);
        }
    }

    private static async IAsyncEnumerable<int> Failing(int after)
    {
        for (var i = 0; i < after; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw new InvalidOperationException("the upload failed");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(ClientKit.Wait);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    /// <summary>What an upload's iterator produced, and whether it was cancelled when it ended.</summary>
    private sealed class Counter
    {
        private int _produced;

        public int Produced => Volatile.Read(ref _produced);

        public TaskCompletionSource<bool> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Add() => Interlocked.Increment(ref _produced);
    }
}
