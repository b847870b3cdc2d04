using System.Net;
using Typed.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;

namespace Typed.AspNetCore.Tests;

/// <summary>BAD-INPUTS F5: a client that stops reading cannot make the server queue without bound.</summary>
public sealed class OutboundLimitTests
{
    [Fact]
    public async Task Session_that_queues_more_than_MaxBufferedBytes_is_closed_with_transport_error()
    {
        await using var server = await TestServer.StartAsync(o =>
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
        await using var server = await TestServer.StartAsync(o =>
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
