using Typed.SocketIO;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// Connection state recovery across implementations: the official socket.io-client 4.8.4 against Typed's server
/// (tests/js/sio-recovery.mjs; the same script against Node's socket.io proves the script), and Typed's .NET client
/// against Node's socket.io 4.8.4 with recovery on.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class RecoveryInteropTests
{
    public static TheoryData<string, string> Modes() => RecoveryTests.Modes();

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_stock_client_recovers_on_our_server(string mode, string parser)
    {
        await using var host = await SocketIOHost.StartAsync(parser, configure: options =>
            options.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(30) });
        var result = await NodeScript.RunAsync("sio-recovery.mjs", host.BaseUrl, mode, parser);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("recovered").GetBoolean());
    }

    [Theory]
    [InlineData("polling", "json")]
    [InlineData("websocket", "msgpack")]
    public async Task The_recovery_script_passes_against_node(string mode, string parser)
    {
        await using var node = await NodeServer.StartAsync("sio-reference-server.mjs", "--parser", parser, "--recovery", "--recovery-window", "30000");
        var result = await NodeScript.RunAsync("sio-recovery.mjs", node.BaseUrl, mode, parser);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Our_client_recovers_on_node(string mode, string parser)
    {
        await using var node = await NodeServer.StartAsync("sio-reference-server.mjs", "--parser", parser, "--recovery", "--recovery-window", "30000");
        await using var proxy = TcpCutProxy.Start(node.BaseUrl);
        await using var run = await CutReceiver.StartAsync(new Uri(proxy.BaseUrl), new Uri(node.BaseUrl), mode, parser);
        var (socket, recorder, firstId) = (run.Socket, run.Recorder, run.FirstId);

        // Back once Node has seen the drop (see RecoveryTests): its "disconnect" observation of the socket.
        proxy.Blocked = true;
        proxy.CutAll();
        await WaitForAsync(() => node.Events.Any(e => e.Contains("\"disconnect\"", StringComparison.Ordinal) && e.Contains(firstId, StringComparison.Ordinal)), "Node's disconnect of the cut socket");
        proxy.Blocked = false;
        await recorder.WaitUntilAsync(r => r.Disconnects >= 1 && r.Connects >= 2 && r.Socket.IsConnected, "the reconnection");
        var afterReconnect = recorder.Count;
        await recorder.WaitUntilAsync(r => r.Count >= afterReconnect + 20, "20 broadcasts after the reconnection");
        var last = await run.Broadcaster.StopAsync();
        await recorder.WaitUntilAsync(r => r.Contains(last), $"broadcast {last}, the last one sent");

        Assert.True(socket.Recovered);
        Assert.Equal(firstId, socket.Id);
        Assert.Equal(Enumerable.Range(1, last), recorder.Ticks);
        var who = (await socket.EmitWithAckAsync("whoami", [], Wait)).GetJsonElement(0);
        Assert.True(who.GetProperty("recovered").GetBoolean());
        Assert.Contains("r", who.GetProperty("rooms").EnumerateArray().Select(e => e.GetString()));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        // Node's observations arrive on its stderr with no event to await here: polled, bounded.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }
}
