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

    /// <summary>
    /// SPEC A7: with no pong, the session is gone from <c>pingInterval + pingTimeout</c> after the handshake on,
    /// whether or not the server's timer has fired yet. The GET goes 1 to 5 ms after the deadline, as the conformance
    /// check "closes the session upon ping timeout" sends it; it must get 400 code 1, never the queued ping.
    /// </summary>
    [Fact]
    public async Task Get_just_after_the_heartbeat_deadline_gets_400_every_time()
    {
        // ping 300 ms, timeout 200 ms: the deadline is 500 ms after the handshake.
        await using var server = await EngineIOTestServer.StartAsync();
        var deadline = TimeSpan.FromMilliseconds(500);
        var failures = new List<string>();

        // Ten sessions at a time: a busier thread pool runs the timers later, which is the race under test.
        for (var batch = 0; batch < Iterations / 10; batch++)
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                var sid = await server.HandshakeAsync();
                var sinceHandshake = Stopwatch.StartNew();
                var wait = deadline + TimeSpan.FromMilliseconds(1 + (i % 5)) - sinceHandshake.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                using var response = await server.PollAsync(sid);
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.BadRequest && body == "{\"code\":1,\"message\":\"Session ID unknown\"}"
                    ? null
                    : $"GET {sinceHandshake.ElapsedMilliseconds} ms after the handshake: {(int)response.StatusCode} {body}";
            }));
            failures.AddRange(outcomes.OfType<string>());
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Iterations} GETs after the deadline were served:\n{string.Join('\n', failures)}");
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
