using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>BAD-INPUTS F7: a binary packet whose attachments never come is not held for the life of the connection.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ReassemblyTimeoutTests
{
    [Fact]
    public async Task Binary_header_without_its_attachments_closes_the_connection_after_the_reassembly_timeout()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io => log.Attach(io.MainNamespace),
            o =>
            {
                o.ReassemblyTimeout = TimeSpan.FromMilliseconds(300);
                o.EngineIO.PingTimeout = TimeSpan.FromSeconds(5); // only the reassembly timeout can end it
            });
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        await client.SendAsync("""451-["bin",{"_placeholder":true,"num":0}]""");

        Assert.Equal(SocketIODisconnectReason.ForcedClose, await log.DisconnectReasonAsync(socket, 3000));
        await server.AssertServesFreshClientAsync();
    }

    [Fact]
    public async Task Attachments_that_arrive_in_time_cancel_the_reassembly_timeout()
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io => log.Attach(io.MainNamespace.WithEcho().OnConnection(s => s.On("bin", e => e.Socket.Emit("bin-back", e.Arguments)))),
            o => o.ReassemblyTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        await client.SendAsync("""451-["bin",{"_placeholder":true,"num":0}]""");
        await client.SendBinaryAsync([7]);
        Assert.Equal("""451-["bin-back",{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
        Assert.Equal([7], await client.ReceiveBinaryAsync());
        await Task.Delay(600);

        Assert.True(socket.Connected);
        await client.AssertEchoesAsync("/");
    }
}
