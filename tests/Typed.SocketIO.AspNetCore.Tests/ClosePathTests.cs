using System.Net;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>How a long-polling session ends, from either side (SPEC A9, A6).</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ClosePathTests
{
    [Fact]
    public async Task Client_close_packet_answers_the_pending_get_with_noop_and_ends_the_session_with_transport_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var pending = server.PollBodyAsync(sid);
        await server.Handler.Socket(sid).WaitForPendingGetAsync();

        await server.PostOkAsync(sid, "1");

        Assert.Equal("6", await pending.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Client_close_packet_without_a_pending_get_ends_the_session_with_transport_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, "1");

        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
        using var post = await server.PostAsync(sid, "4too late");
        await AssertErrorAsync(post, HttpStatusCode.BadRequest, 1, "Session ID unknown");

        // The GET the client may have sent beside its close still gets its noop (SPEC A9: the outcome must not depend
        // on which request the server reads first); only that one.
        Assert.Equal("6", await server.PollBodyAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Server_close_answers_the_pending_get_with_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);
        var pending = server.PollBodyAsync(sid);
        await socket.WaitForPendingGetAsync();

        socket.Close();

        Assert.Equal("1", await pending.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
        await socket.WaitUntilForgottenAsync();
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Close_me_message_from_the_client_makes_the_handler_close_and_the_pending_get_gets_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);
        var pending = server.PollBodyAsync(sid);
        await socket.WaitForPendingGetAsync();

        await server.PostOkAsync(sid, "4close-me");

        Assert.Equal("1", await pending.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
        await socket.WaitUntilForgottenAsync();
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Get_after_a_server_close_with_nothing_queued_gets_noop_then_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        socket.Close();
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
        Assert.False(socket.Closed.IsCancellationRequested, "The session was forgotten before the client was told it closed.");

        Assert.Equal("6\u001e1", await server.PollBodyAsync(sid));
        await socket.WaitUntilForgottenAsync();
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Gets_after_a_server_close_carry_the_queued_messages_then_the_close_and_drop_later_sends()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        socket.Send("a");
        socket.Send(new byte[] { 1, 2, 3 });
        socket.Close();
        socket.Send("too late");

        Assert.False(socket.IsOpen);

        // The close travels alone after the queued messages (SPEC A9: "41", then "6\x1e1" on the next GET), since the
        // JavaScript client would otherwise act on the close before the messages of the same payload.
        Assert.Equal("4a\u001ebAQID", await server.PollBodyAsync(sid));
        Assert.Equal("6\u001e1", await server.PollBodyAsync(sid));
        await socket.WaitUntilForgottenAsync();
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Server_close_not_collected_by_a_get_is_forgotten_after_the_close_timeout()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            NoHeartbeat(o);
            o.CloseTimeout = TimeSpan.FromMilliseconds(300);
        });
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        socket.Close();

        await socket.WaitUntilForgottenAsync();
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Aborted_pending_get_closes_the_session_with_transport_error()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);
        using var abort = new CancellationTokenSource();
        var pending = server.PollAsync(sid, abort.Token);
        await socket.WaitForPendingGetAsync();

        abort.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }

    [Fact]
    public async Task Parse_error_with_a_get_pending_answers_that_get_with_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var pending = server.PollBodyAsync(sid);
        await server.Handler.Socket(sid).WaitForPendingGetAsync();

        using var post = await server.PostAsync(sid, "9x");

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal("1", await pending.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
        Assert.Equal(EngineIOCloseReason.ParseError, await server.Handler.WaitForCloseAsync(sid));
        await server.AssertSessionUnknownAsync(sid);
    }
}
