using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>Connect middleware runs off the connection's receive path, so it may take longer than a heartbeat.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class SlowMiddlewareTests
{
    [Fact]
    public async Task Middleware_slower_than_the_ping_timeout_does_not_kill_the_connection()
    {
        // Ping 300 ms / timeout 200 ms: a middleware taking 1.5 s spans several heartbeats, which must be answered meanwhile.
        // The connect timeout (a connection must join a namespace in time) is set well past the middleware's delay.
        await using var server = await SocketIOTestServer.StartAsync(
            io => io.MainNamespace.Use(async _ => await Task.Delay(1500)).WithEcho(),
            o => o.ConnectTimeout = TimeSpan.FromSeconds(10));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40");
        var reply = await client.ReceiveAsync(timeoutMs: 5000);

        Assert.StartsWith("40{\"sid\":", reply);
        await client.AssertEchoesAsync("/");
    }

    [Fact]
    public async Task Event_sent_before_the_connect_reply_is_invalid_state_as_in_the_reference()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io => log.Attach(io.MainNamespace.Use(async _ => await Task.Delay(500))));
        await using var client = await server.ConnectAsync();

        await client.SendAsync("40");
        await client.SendAsync("42[\"too early\"]");

        await client.WaitForCloseAsync();
        await server.AssertServesFreshClientAsync();
    }
}
