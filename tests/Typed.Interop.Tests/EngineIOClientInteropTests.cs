using System.Text.Json;
using Typed.EngineIO;

namespace Typed.Interop.Tests;

/// <summary>The official npm <c>engine.io-client</c> 6.x, in each transport mode, against our server.</summary>
[Trait("Category", TestCategories.Interop)]
public sealed class EngineIOClientInteropTests
{
    /// <summary>
    /// A ping every 2 s, so the client's pong path runs in every test, with a 20 s pong deadline (engine.io's
    /// default): these tests are not about the heartbeat. With the test server's 2 s deadline a POST was answered 400
    /// under load in CI: the server's deadline is fixed one interval plus one timeout after the last pong, so a ping
    /// timer that fires late leaves the client less than the timeout to answer, and a Node client stalled for the
    /// rest of it on a busy 2-core machine lost its session.
    /// </summary>
    private static void TolerantTimings(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromSeconds(2);
        options.PingTimeout = TimeSpan.FromSeconds(20);
    }

    /// <summary>The client's run succeeded; if not, the failure says what the server logged (each session's close and
    /// why, each refused request and its code) beside what the client reported.</summary>
    private static void AssertOk(JsonElement result, EngineIOTestServer server)
    {
        Assert.True(result.GetProperty("ok").GetBoolean(), $"{result}{Environment.NewLine}server log:{Environment.NewLine}{server.Logs.Describe()}");
    }

    [Theory]
    [InlineData("polling", "polling", "polling", false)]
    [InlineData("websocket", "websocket", "websocket", false)]
    [InlineData("upgrade", "polling", "websocket", true)]
    public async Task Client_exchanges_text_and_binary_in_order(string mode, string atOpen, string final, bool upgrades)
    {
        await using var server = await EngineIOTestServer.StartAsync(TolerantTimings);

        var result = await NodeScript.RunAsync("eio-interop.mjs", server.BaseUri.ToString().TrimEnd('/'), mode, "echo");

        AssertOk(result, server);
        Assert.Equal(atOpen, result.GetProperty("transportAtOpen").GetString());
        Assert.Equal(final, result.GetProperty("finalTransport").GetString());
        Assert.Equal(upgrades, result.GetProperty("upgradeEvent").GetBoolean());
        Assert.True(result.GetProperty("orderOk").GetBoolean());
        Assert.True(result.GetProperty("binaryOk").GetBoolean());
        Assert.True(result.GetProperty("unicodeOk").GetBoolean());
        Assert.True(result.GetProperty("bigBinaryOk").GetBoolean());
        if (upgrades)
        {
            // Messages keep flowing, in order, on the WebSocket after the upgrade.
            Assert.True(result.GetProperty("textsAfterUpgrade").GetInt32() >= 10);
        }

        var sent = result.GetProperty("sentTexts").GetInt32();
        var receivedByServer = 0;
        while (server.Handler.Messages.Reader.TryRead(out var message))
        {
            if (!message.IsBinary && System.Text.Encoding.UTF8.GetString(message.Data).StartsWith('m'))
            {
                receivedByServer++;
            }
        }

        Assert.Equal(sent, receivedByServer);
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task Server_side_close_is_seen_by_the_client(string mode)
    {
        await using var server = await EngineIOTestServer.StartAsync(TolerantTimings);

        var result = await NodeScript.RunAsync("eio-interop.mjs", server.BaseUri.ToString().TrimEnd('/'), mode, "server-close");

        AssertOk(result, server);
        Assert.Equal("transport close", result.GetProperty("closeReason").GetString());
        var (sid, _, _) = await server.Handler.NextMessageAsync();
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task Client_side_close_is_seen_by_the_server(string mode)
    {
        await using var server = await EngineIOTestServer.StartAsync(TolerantTimings);

        var result = await NodeScript.RunAsync("eio-interop.mjs", server.BaseUri.ToString().TrimEnd('/'), mode, "client-close");

        AssertOk(result, server);
        Assert.Equal("forced close", result.GetProperty("closeReason").GetString());
        var (sid, _, _) = await server.Handler.NextMessageAsync();
        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
    }
}
