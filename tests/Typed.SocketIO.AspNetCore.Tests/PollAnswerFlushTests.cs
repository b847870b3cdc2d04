using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// A poll's answer whose flush fails after the client has read it. The JavaScript client closes each poll's connection
/// as soon as it has read the answer; Kestrel then cancels the request's token, and a flush whose continuation runs
/// after that (common on a loaded machine) throws although every byte went out. The server ended the session for it,
/// cutting a client that had received everything: about one polling interop run in thirty beside a CPU hog failed
/// with "xhr poll error (400)" or "xhr post error (400)", and an upgrading one with the WebSocket closed 1006.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class PollAnswerFlushTests
{
    private const string HoldFlushHeader = "X-Test-Hold-Flush";

    [Fact]
    public async Task A_poll_answer_read_whole_by_a_client_that_closed_before_the_flush_returned_keeps_the_session_open()
    {
        var heldRequestDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat, configureApp: app => app.Use(async (context, next) =>
        {
            if (!context.Request.Headers.ContainsKey(HoldFlushHeader))
            {
                await next(context);
                return;
            }

            var body = context.Features.Get<IHttpResponseBodyFeature>()!;
            context.Features.Set<IHttpResponseBodyFeature>(new FlushReturnsAfterClientCloseBody(body, context.RequestAborted));
            try
            {
                await next(context);
            }
            finally
            {
                heldRequestDone.TrySetResult();
            }
        }));
        var sid = await server.HandshakeAsync();
        await server.PostOkAsync(sid, "4hello");

        // The client reads the whole answer (Content-Length) and closes the connection, as engine.io-client does.
        var answer = await RawHttp.SendAsync(server.BaseUri, "GET", $"/engine.io/?EIO=4&transport=polling&sid={sid}", [(HoldFlushHeader, "1")]);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal("4hello", answer.Body);

        // The server's request is over: its flush threw (the client had closed) and the answer's failure was handled.
        await heldRequestDone.Task.WaitAsync(TimeSpan.FromMilliseconds(BoundMs));

        // The session goes on: the client's next POST and GET are served, not refused as an unknown session.
        Assert.False(server.Handler.IsClosed(sid), "the session was closed although the client had received the answer");
        await server.PostOkAsync(sid, "4again");
        Assert.Equal("4again", await server.PollBodyAsync(sid));

        // And the failed flush is not silent: it is logged (event 9), saying the session went on.
        Assert.Contains(server.Logs.Entries, e => e.EventId.Id == 9 && e.Message.Contains("may not have reached the client", StringComparison.Ordinal));
    }
}
