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
