using System.Net;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>BAD-INPUTS F5: a client that stops reading cannot make the server queue without bound.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class OutboundLimitTests
{
    [Fact]
    public async Task Session_that_queues_more_than_MaxBufferedBytes_is_closed_with_transport_error()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.MaxBufferedBytes = 1000;
            o.PingInterval = TimeSpan.FromSeconds(10);
        });
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        socket.Send(new string('a', 600));
        Assert.True(socket.IsOpen);
        socket.Send(new string('b', 600));

        Assert.Equal(EngineIOCloseReason.TransportError, await server.Handler.WaitForCloseAsync(sid));
        using var poll = await server.PollAsync(sid);
        Assert.Equal(HttpStatusCode.BadRequest, poll.StatusCode);
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task Queue_is_counted_afresh_after_each_flush()
    {
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.MaxBufferedBytes = 1000;
            o.PingInterval = TimeSpan.FromSeconds(10);
        });
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        for (var i = 0; i < 5; i++)
        {
            socket.Send(new string('a', 600));
            Assert.Equal("4" + new string('a', 600), await server.PollBodyAsync(sid));
        }

        Assert.True(socket.IsOpen);
    }
}

/// <summary>BAD-INPUTS F1: handshakes that never poll cannot pile up sessions without bound.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class SessionLimitTests
{
    [Fact]
    public async Task Handshake_past_MaxSessions_gets_503_and_a_closed_session_frees_a_place()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxSessions = 3);
        var sids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            sids.Add(await server.HandshakeAsync());
        }

        using (var refused = await server.Http.GetAsync(server.Url("EIO=4&transport=polling")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("{\"code\":4,\"message\":\"Too many sessions\"}", await refused.Content.ReadAsStringAsync());
        }

        using (await server.PostAsync(sids[0], "1"))
        {
        }

        await server.Handler.WaitForCloseAsync(sids[0]);
        Assert.NotNull(await server.HandshakeAsync());
    }

    [Fact]
    public async Task Handshake_past_MaxSessionsPerAddress_gets_503()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.MaxSessionsPerAddress = 2);
        await server.HandshakeAsync();
        var second = await server.HandshakeAsync();

        using (var refused = await server.Http.GetAsync(server.Url("EIO=4&transport=polling")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        using (await server.PostAsync(second, "1"))
        {
        }

        await server.Handler.WaitForCloseAsync(second);
        Assert.NotNull(await server.HandshakeAsync());
    }
}
