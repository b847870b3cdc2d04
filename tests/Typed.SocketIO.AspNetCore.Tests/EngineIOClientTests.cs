using System.Text;
using System.Threading.Channels;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>The .NET Engine.IO client against our server, in each transport mode.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class EngineIOClientTests
{
    private sealed class Probe : IAsyncDisposable
    {
        public Probe(EngineIOTestServer server, bool polling, bool webSocket, bool upgrade = true)
        {
            Client = new EngineIOClient(server.BaseUri, new EngineIOClientOptions { UsePolling = polling, UseWebSocket = webSocket, Upgrade = upgrade });
            Client.MessageReceived += (data, isBinary) => Messages.Writer.TryWrite((isBinary, data.ToArray()));
            Client.Closed += reason => ClosedReason.TrySetResult(reason);
            Client.Upgraded += () => Upgraded.TrySetResult();
        }

        public EngineIOClient Client { get; }

        public Channel<(bool IsBinary, byte[] Data)> Messages { get; } = Channel.CreateUnbounded<(bool, byte[])>();

        public TaskCompletionSource<string> ClosedReason { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Upgraded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<string> NextTextAsync()
        {
            using var timeout = new CancellationTokenSource(5000);
            var (isBinary, data) = await Messages.Reader.ReadAsync(timeout.Token);
            Assert.False(isBinary);
            return Encoding.UTF8.GetString(data);
        }

        public async Task<byte[]> NextBinaryAsync()
        {
            using var timeout = new CancellationTokenSource(5000);
            var (isBinary, data) = await Messages.Reader.ReadAsync(timeout.Token);
            Assert.True(isBinary);
            return data;
        }

        public ValueTask DisposeAsync() => Client.DisposeAsync();
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Client_exchanges_text_and_binary_on_a_single_transport(bool polling, bool webSocket)
    {
        await using var server = await EngineIOTestServer.StartAsync();
        await using var probe = new Probe(server, polling, webSocket);

        await probe.Client.ConnectAsync();
        probe.Client.Send("hello ✓");
        probe.Client.Send(new byte[] { 1, 2, 3, 4 });

        Assert.Equal("hello ✓", await probe.NextTextAsync());
        Assert.Equal([1, 2, 3, 4], await probe.NextBinaryAsync());
        Assert.Equal(polling ? EngineIOTransport.Polling : EngineIOTransport.WebSocket, probe.Client.Transport);
        Assert.Equal(20, probe.Client.Id!.Length);
    }

    [Fact]
    public async Task Client_upgrades_from_polling_to_websocket_and_keeps_message_order()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingInterval = TimeSpan.FromSeconds(5));
        await using var probe = new Probe(server, polling: true, webSocket: true);

        // The upgrade may finish at any point of the sends below (it starts right after the polling handshake);
        // Upgraded firing proves the session opened on polling and moved.
        await probe.Client.ConnectAsync();
        for (var i = 0; i < 20; i++)
        {
            probe.Client.Send("m" + i);
            await Task.Delay(10);
        }

        await probe.Upgraded.Task.WaitAsync(TimeSpan.FromSeconds(5));
        for (var i = 20; i < 30; i++)
        {
            probe.Client.Send("m" + i);
        }

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("m" + i, await probe.NextTextAsync());
        }

        Assert.Equal(EngineIOTransport.WebSocket, probe.Client.Transport);
        Assert.Equal(EngineIOTransport.WebSocket, server.Handler.Socket(probe.Client.Id!).Transport);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Client_answers_pings_and_stays_open_across_heartbeats(bool polling, bool webSocket)
    {
        // Pings every 300 ms; a 1 s grace so a cold first connection (JIT) is not mistaken for a dead one.
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingTimeout = TimeSpan.FromSeconds(1));
        await using var probe = new Probe(server, polling, webSocket);

        await probe.Client.ConnectAsync();
        await Task.Delay(2000); // six ping intervals: each one answered, or the server would have closed

        var closed = await Task.WhenAny(probe.ClosedReason.Task, Task.Delay(1));
        Assert.False(closed == probe.ClosedReason.Task, closed == probe.ClosedReason.Task ? await probe.ClosedReason.Task : null);
        Assert.True(probe.Client.IsOpen);
        Assert.False(server.Handler.IsClosed(probe.Client.Id!));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Server_close_is_reported_as_transport_close(bool polling, bool webSocket)
    {
        await using var server = await EngineIOTestServer.StartAsync();
        await using var probe = new Probe(server, polling, webSocket);

        await probe.Client.ConnectAsync();
        probe.Client.Send("close-me");

        Assert.Equal("transport close", await probe.ClosedReason.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.False(probe.Client.IsOpen);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Client_close_is_seen_by_the_server_as_transport_close(bool polling, bool webSocket)
    {
        await using var server = await EngineIOTestServer.StartAsync();
        await using var probe = new Probe(server, polling, webSocket, upgrade: false);
        await probe.Client.ConnectAsync();
        var sid = probe.Client.Id!;

        await probe.Client.CloseAsync();

        Assert.Equal("forced close", await probe.ClosedReason.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Refused_handshake_fails_the_connect_with_the_server_message()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.AllowRequest = _ => AllowRequestResult.Reject("no entry"));
        await using var probe = new Probe(server, polling: true, webSocket: true);

        var error = await Assert.ThrowsAsync<EngineIOConnectException>(() => probe.Client.ConnectAsync());

        Assert.Contains("no entry", error.Message);
        Assert.False(probe.Client.IsOpen);
    }
}
