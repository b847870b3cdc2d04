using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Typed.EngineIO;
using Typed.EngineIO.Internal;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// A WebSocket peer that stops reading (BAD-INPUTS F5, the close path of SPEC A9): once the session has closed, by
/// the server or by the peer's own close frame, the server aborts the TCP connection within
/// <see cref="EngineIOOptions.CloseTimeout"/> instead of keeping a send blocked, and the connection with it, forever.
/// The peer is a raw TCP socket with a tiny receive buffer, so the server's writes fill every buffer and block.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class WebSocketStalledPeerTests
{
    private const int CloseTimeoutMs = 1000;

    /// <summary>Far more than the loopback socket buffers and Kestrel's pipe can hold (tcp_wmem tops out at 4 MiB).</summary>
    private const int StuckMessages = 12;

    [Fact]
    public async Task Server_close_aborts_the_connection_of_a_peer_that_stopped_reading_within_the_close_timeout()
    {
        var tracker = new ConnectionTracker();
        await using var server = await StartAsync(tracker);
        using var peer = await ConnectStalledPeerAsync(server);
        var sid = await ReadSidAsync(peer);
        var connectionClosed = tracker.WhenClosed(peer.LocalPort);
        var socket = server.Handler.Socket(sid);

        FillUntilTheWriterBlocks(socket);
        var closedAt = Stopwatch.StartNew();
        socket.Close();

        await connectionClosed.WaitAsync(TimeSpan.FromMilliseconds(CloseTimeoutMs + PollingTestSupport.BoundMs));
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
        await AssertPeerSeesTheEndAsync(peer);
        Assert.True(closedAt.ElapsedMilliseconds >= CloseTimeoutMs - 50, $"aborted after {closedAt.ElapsedMilliseconds} ms, before the close timeout");
    }

    [Fact]
    public async Task Peer_close_frame_then_no_reading_gets_the_connection_aborted_within_the_close_timeout()
    {
        var tracker = new ConnectionTracker();
        await using var server = await StartAsync(tracker);
        using var peer = await ConnectStalledPeerAsync(server);
        var sid = await ReadSidAsync(peer);
        var connectionClosed = tracker.WhenClosed(peer.LocalPort);

        FillUntilTheWriterBlocks(server.Handler.Socket(sid));
        await peer.SendFrameAsync(0x80 | RawFrame.Close, new byte[] { 0x03, 0xE8 });

        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
        await connectionClosed.WaitAsync(TimeSpan.FromMilliseconds(CloseTimeoutMs + PollingTestSupport.BoundMs));
        await AssertPeerSeesTheEndAsync(peer);
    }

    private static Task<EngineIOTestServer> StartAsync(ConnectionTracker tracker) =>
        EngineIOTestServer.StartAsync(
            o =>
            {
                PollingTestSupport.NoHeartbeat(o);
                o.CloseTimeout = TimeSpan.FromMilliseconds(CloseTimeoutMs);
            },
            configureBuilder: tracker.Install);

    private static Task<RawWebSocket> ConnectStalledPeerAsync(EngineIOTestServer server) =>
        RawWebSocket.ConnectAsync(server.BaseUri, "EIO=4&transport=websocket", tcp => tcp.ReceiveBufferSize = 1024);

    private static async Task<string> ReadSidAsync(RawWebSocket peer)
    {
        var open = await peer.ReadTextSkippingPingsAsync();
        using var json = JsonDocument.Parse(open.PayloadText.AsMemory(1));
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>
    /// Queues <see cref="StuckMessages"/> MiB for a peer that reads nothing: the writer takes the first packets and
    /// blocks in a send once the socket buffers are full, and a server close must flush the rest first.
    /// </summary>
    private static void FillUntilTheWriterBlocks(EngineIOSocket socket)
    {
        var megabyte = new string('x', 1024 * 1024);
        for (var i = 0; i < StuckMessages; i++)
        {
            socket.Send(megabyte);
        }
    }

    /// <summary>
    /// The peer writes one frame and reads what is left: the server's socket is gone, so the read ends (end of stream
    /// or reset) instead of waiting.
    /// </summary>
    private static async Task AssertPeerSeesTheEndAsync(RawWebSocket peer)
    {
        try
        {
            await peer.SendTextAsync("3");
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Reset already seen.
        }

        Assert.True(await peer.IsConnectionEndedAsync(PollingTestSupport.BoundMs), "the peer's connection is still open");
    }
}
