using System.Text;
using System.Threading.Channels;

namespace Typed.Interop.Tests;

/// <summary>Our .NET Engine.IO client against Node's official <c>engine.io</c> 6.6 server, in each transport mode.</summary>
[Trait("Category", TestCategories.Interop)]
public sealed class DotNetEngineIOClientInteropTests
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task Client_exchanges_text_and_binary_with_the_node_server(string mode)
    {
        await using var node = await NodeServer.StartAsync("eio-reference-server.mjs");
        var messages = Channel.CreateUnbounded<(bool IsBinary, byte[] Data)>();
        var upgraded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new EngineIOClient(new Uri(node.BaseUrl), new EngineIOClientOptions
        {
            UsePolling = mode != "websocket",
            UseWebSocket = mode != "polling",
        });
        client.MessageReceived += (data, isBinary) => messages.Writer.TryWrite((isBinary, data.ToArray()));
        client.Upgraded += () => upgraded.TrySetResult();

        await client.ConnectAsync();
        if (mode == "upgrade")
        {
            await upgraded.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }

        client.Send("héllo ✓");
        client.Send(new byte[] { 1, 2, 3, 4 });
        using var timeout = new CancellationTokenSource(5000);
        var text = await messages.Reader.ReadAsync(timeout.Token);
        var binary = await messages.Reader.ReadAsync(timeout.Token);

        Assert.Equal((false, "héllo ✓"), (text.IsBinary, Encoding.UTF8.GetString(text.Data)));
        Assert.True(binary.IsBinary);
        Assert.Equal([1, 2, 3, 4], binary.Data);
        Assert.Equal(mode == "polling" ? EngineIOTransport.Polling : EngineIOTransport.WebSocket, client.Transport);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Server_close_from_the_node_server_is_reported_as_transport_close(string mode)
    {
        await using var node = await NodeServer.StartAsync("eio-reference-server.mjs");
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new EngineIOClient(new Uri(node.BaseUrl), new EngineIOClientOptions
        {
            UsePolling = mode == "polling",
            UseWebSocket = mode == "websocket",
        });
        client.Closed += reason => closed.TrySetResult(reason);

        await client.ConnectAsync();
        client.Send("close-me");

        Assert.Equal("transport close", await closed.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
