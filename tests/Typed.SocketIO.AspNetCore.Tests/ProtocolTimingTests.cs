using System.Diagnostics;
using System.Net;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// Protocol outcomes that must not depend on scheduling (SPEC A7, A9): each case runs many times and every
/// iteration is asserted, since a race shows up as one failure in a few dozen runs.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ProtocolTimingTests
{
    private const int Iterations = 50;
    private const int DeadlineIterations = 100;

    /// <summary>
    /// SPEC A7: with no pong, the session is gone from <c>pingInterval + pingTimeout</c> after the handshake on,
    /// whether or not the server's timer has fired yet. The GET leaves 1 to 5 ms after the deadline, as the
    /// conformance check "closes the session upon ping timeout" sends it, and must get 400 code 1, never the queued
    /// ping. The server's timers run on a 4 ms clock (Linux's coarse monotonic clock behind
    /// <c>Environment.TickCount64</c>) and then wait for a thread-pool thread, so a timer may fire after such a GET
    /// has arrived: only the check on arrival (<c>EngineIOSession.CloseIfHeartbeatExpired</c>) answers it 400.
    /// With the conformance suite's 200 ms pong timeout the ping-timeout timer is the one racing the GET (it lost
    /// about once in 100 here without the check); with a 1 ms pong timeout the ping timer itself fires at the
    /// deadline, so without the check the GET is held and then answered with the ping (most iterations).
    /// </summary>
    [Theory]
    [InlineData(200)]
    [InlineData(1)]
    public async Task Get_just_after_the_heartbeat_deadline_gets_400_every_time(int pingTimeoutMs)
    {
        // ping 300 ms: the deadline is 300 ms + the pong timeout after the server started the heartbeat, which it
        // does before writing the open packet, so before the client's stopwatch below starts.
        await using var server = await EngineIOTestServer.StartAsync(options => options.PingTimeout = TimeSpan.FromMilliseconds(pingTimeoutMs));
        var deadline = TimeSpan.FromMilliseconds(300 + pingTimeoutMs);
        var failures = new List<string>();

        // Ten sessions at a time: a busier thread pool runs the timers later, which is the race under test.
        for (var batch = 0; batch < DeadlineIterations / 10; batch++)
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                var sid = await server.HandshakeAsync();
                var sinceHandshake = Stopwatch.StartNew();
                var sendAt = deadline + TimeSpan.FromMilliseconds(1 + (i % 5));
                await WaitUntilAsync(sinceHandshake, sendAt);
                var sentAt = sinceHandshake.Elapsed;
                using var response = await server.PollAsync(sid);
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.BadRequest && body == "{\"code\":1,\"message\":\"Session ID unknown\"}"
                    ? null
                    : $"GET sent {sentAt.TotalMilliseconds:F1} ms after the handshake's answer: {(int)response.StatusCode} {body}";
            }));
            failures.AddRange(outcomes.OfType<string>());
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {DeadlineIterations} GETs after the deadline were served:\n{string.Join('\n', failures)}");
    }

    /// <summary>
    /// Waits until <paramref name="clock"/> shows <paramref name="at"/>, never less. <c>Task.Delay</c> alone is not
    /// enough: its timer runs on the same 4 ms clock and may return up to a tick early by the stopwatch, which sent
    /// a GET before the deadline once in 50 (the cause of this test's earlier misses). So it sleeps to a tick short
    /// of the time, then yields until the stopwatch gets there (a few milliseconds at most).
    /// </summary>
    private static async Task WaitUntilAsync(Stopwatch clock, TimeSpan at)
    {
        var early = at - clock.Elapsed - TimeSpan.FromMilliseconds(8);
        if (early > TimeSpan.Zero)
        {
            await Task.Delay(early);
        }

        while (clock.Elapsed < at)
        {
            await Task.Yield();
        }
    }

    /// <summary>
    /// SPEC A9: a long-polling GET and a POST of the close packet <c>1</c> sent together (the conformance check
    /// "forcefully closes the session"): the GET gets 200 <c>6</c> and the POST 200 <c>ok</c> whichever the server
    /// reads first, and the next GET gets 400 code 1. Iterations rotate through both requests at once, the GET
    /// first (held, then released by the close) and the POST first (answered before the GET is sent).
    /// </summary>
    [Fact]
    public async Task Get_and_close_post_together_give_the_get_a_noop_whatever_the_order()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var order = (i % 3) switch { 0 => "together", 1 => "GET first", _ => "POST first" };
            var sid = await server.HandshakeAsync();
            Task<HttpResponseMessage> get;
            Task<HttpResponseMessage> post;
            switch (i % 3)
            {
                case 0:
                    get = server.PollAsync(sid);
                    post = server.PostAsync(sid, "1");
                    break;
                case 1:
                    get = server.PollAsync(sid);
                    await server.Handler.Socket(sid).WaitForPendingGetAsync();
                    post = server.PostAsync(sid, "1");
                    break;
                default:
                    post = server.PostAsync(sid, "1");
                    await post.WaitAsync(TimeSpan.FromMilliseconds(BoundMs));
                    get = server.PollAsync(sid);
                    break;
            }

            using var getResponse = await get.WaitAsync(TimeSpan.FromMilliseconds(BoundMs));
            using var postResponse = await post.WaitAsync(TimeSpan.FromMilliseconds(BoundMs));
            var getBody = await getResponse.Content.ReadAsStringAsync();
            var postBody = await postResponse.Content.ReadAsStringAsync();
            using var after = await server.PollAsync(sid);
            var afterBody = await after.Content.ReadAsStringAsync();

            if (getResponse.StatusCode != HttpStatusCode.OK || getBody != "6"
                || postResponse.StatusCode != HttpStatusCode.OK || postBody != "ok"
                || after.StatusCode != HttpStatusCode.BadRequest || afterBody != "{\"code\":1,\"message\":\"Session ID unknown\"}")
            {
                failures.Add($"#{i} ({order}): GET {(int)getResponse.StatusCode} '{getBody}', POST {(int)postResponse.StatusCode} '{postBody}', next GET {(int)after.StatusCode} '{afterBody}'");
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Iterations} iterations went wrong:\n{string.Join('\n', failures)}");
    }
}
