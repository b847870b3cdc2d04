using System.Diagnostics;
using System.Net;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The v4 heartbeat on long-polling (SPEC A7): the server pings, the client pongs. The EngineIOTestServer defaults are
/// ping interval 300 ms / ping timeout 200 ms.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class HeartbeatTests
{
    [Fact]
    public async Task Polling_get_receives_a_ping_after_the_ping_interval()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        var sid = await server.HandshakeAsync();
        var elapsed = Stopwatch.StartNew();

        var body = await server.PollBodyAsync(sid).WaitAsync(TimeSpan.FromMilliseconds(BoundMs));

        Assert.Equal("2", body);
        Assert.True(elapsed.ElapsedMilliseconds >= 200, $"The ping came after {elapsed.ElapsedMilliseconds} ms, before the 300 ms interval.");
    }

    [Fact]
    public async Task Answering_each_ping_with_a_pong_keeps_the_session_alive_across_several_intervals()
    {
        // Interval as in the defaults; a 1 s timeout leaves a slow machine room to answer, and six cycles (>= 1.8 s)
        // still outlast interval + timeout (1.3 s), so a pong that did not re-arm the heartbeat would be caught.
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingTimeout = TimeSpan.FromSeconds(1));
        var sid = await server.HandshakeAsync();
        var elapsed = Stopwatch.StartNew();

        for (var cycle = 0; cycle < 6; cycle++)
        {
            Assert.Equal("2", await server.PollBodyAsync(sid).WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
            await server.PostOkAsync(sid, "3");
        }

        Assert.True(elapsed.ElapsedMilliseconds >= 1500, $"Six ping cycles took only {elapsed.ElapsedMilliseconds} ms.");
        Assert.False(server.Handler.IsClosed(sid));
        Assert.True(server.Handler.Socket(sid).IsOpen);
    }

    [Fact]
    public async Task Session_that_does_not_answer_a_ping_closes_with_ping_timeout_and_later_get_gets_session_id_unknown()
    {
        await using var server = await EngineIOTestServer.StartAsync(EngineIOTestServer.ShortPingTimeout);
        var sid = await server.HandshakeAsync();

        Assert.Equal("2", await server.PollBodyAsync(sid).WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));

        Assert.Equal(EngineIOCloseReason.PingTimeout, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Ping_timeout_runs_from_when_the_ping_is_queued_so_an_unpolled_session_is_gone_at_its_first_get()
    {
        // The conformance check sleeps exactly pingInterval + pingTimeout (500 ms); three times that keeps the
        // assertion meaningful (a timeout that only started once a GET carried the ping would never fire here)
        // without depending on timer precision.
        await using var server = await EngineIOTestServer.StartAsync(EngineIOTestServer.ShortPingTimeout);
        var sid = await server.HandshakeAsync();

        await Task.Delay(1500);

        await server.AssertSessionUnknownAsync(sid);
        Assert.Equal(EngineIOCloseReason.PingTimeout, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Ping_timeout_with_a_get_pending_answers_that_get_with_close()
    {
        // A 1 s timeout so the second GET is surely pending before the session times out.
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingTimeout = TimeSpan.FromSeconds(1));
        var sid = await server.HandshakeAsync();
        Assert.Equal("2", await server.PollBodyAsync(sid).WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));

        var pending = server.PollBodyAsync(sid);
        await server.Handler.Socket(sid).WaitForPendingGetAsync();

        Assert.Equal("1", await pending.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
        Assert.Equal(EngineIOCloseReason.PingTimeout, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Client_ping_closes_the_session_with_transport_error()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using var response = await server.PostAsync(sid, "2");

        await AssertEmptyErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Client_ping_after_a_message_in_the_same_payload_still_closes_the_session_with_transport_error()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using var response = await server.PostAsync(sid, "4first\u001e2probe");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }
}
