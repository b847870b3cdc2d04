using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>How a WebSocket session ends, from either side (SPEC-NOTES A9), and what the handler is told.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class WebSocketClosePathTests
{
    /// <summary>A 20 s ping interval: no heartbeat can close these sessions, so each close has the cause under test.</summary>
    private static Task<EngineIOTestServer> StartQuietServerAsync() =>
        EngineIOTestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromSeconds(20);
            o.PingTimeout = TimeSpan.FromSeconds(20);
        });

    private static async Task<(ClientWebSocket Socket, string Sid)> OpenAsync(EngineIOTestServer server)
    {
        var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");
        var open = await socket.ReceiveTextAsync();
        using var json = JsonDocument.Parse(open.AsMemory(1));
        return (socket, json.RootElement.GetProperty("sid").GetString()!);
    }

    [Fact]
    public async Task Server_close_sends_queued_messages_then_a_normal_close_frame_and_the_handler_sees_forced_close()
    {
        await using var server = await StartQuietServerAsync();
        var (socket, sid) = await OpenAsync(server);
        using var _ = socket;

        await socket.SendTextAsync("4first");
        await socket.SendTextAsync("4second");
        await socket.SendTextAsync("4close-me");

        Assert.Equal("4first", await socket.ReceiveTextAsync());
        Assert.Equal("4second", await socket.ReceiveTextAsync());
        using var timeout = new CancellationTokenSource(5000);
        var result = await socket.ReceiveAsync(new byte[1024], timeout.Token);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        // The reference sends no status (1005); .NET can only send a real code, and 1000 is the valid equivalent.
        Assert.True(result.CloseStatus is null or WebSocketCloseStatus.Empty or WebSocketCloseStatus.NormalClosure, $"expected no status or 1000, got {result.CloseStatus}");
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Server_close_frame_never_carries_the_reserved_status_1005_on_the_wire()
    {
        // 1005 must never be written in a close frame (RFC 6455 §7.4.1); strict clients such as Node's ws fail with 1002.
        await using var server = await StartQuietServerAsync();
        using var raw = await RawWebSocket.ConnectAsync(server.BaseUri, "EIO=4&transport=websocket");
        Assert.Equal(101, raw.StatusCode);
        var open = await raw.ReadTextSkippingPingsAsync();
        var sid = JsonDocument.Parse(open.PayloadText.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;

        await raw.SendTextAsync("4close-me");

        var close = await raw.ReadUntilClosedAsync();
        Assert.NotNull(close);
        Assert.True(close.Value.Payload.Length == 0 || close.Value.CloseCode == 1000, $"expected an empty close frame or 1000, got {close.Value.CloseCode}");
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Client_close_handshake_closes_the_session_with_transport_close()
    {
        await using var server = await StartQuietServerAsync();
        var (socket, sid) = await OpenAsync(server);
        using var _ = socket;

        using var timeout = new CancellationTokenSource(5000);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);

        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Close_packet_over_websocket_closes_the_session_at_once_with_transport_close()
    {
        await using var server = await StartQuietServerAsync();
        var (socket, sid) = await OpenAsync(server);
        using var _ = socket;
        var stopwatch = Stopwatch.StartNew();

        await socket.SendTextAsync("1");

        // The reference ignores it and lets the ping timeout (40 s here) end the session; closing at once is better.
        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid, timeoutMs: 3000));
        Assert.InRange(stopwatch.ElapsedMilliseconds, 0, 3000);
        await socket.WaitForCloseAsync();
        Assert.NotEqual(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Abrupt_connection_drop_closes_the_session_with_transport_close()
    {
        await using var server = await StartQuietServerAsync();
        var (socket, sid) = await OpenAsync(server);

        socket.Abort();
        socket.Dispose();

        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Abrupt_tcp_drop_without_close_frame_closes_the_session_with_transport_close()
    {
        await using var server = await StartQuietServerAsync();
        var raw = await RawWebSocket.ConnectAsync(server.BaseUri, "EIO=4&transport=websocket");
        var open = await raw.ReadTextSkippingPingsAsync();
        var sid = JsonDocument.Parse(open.PayloadText.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;

        raw.Dispose();

        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Message_sent_after_the_session_closed_never_reaches_the_handler()
    {
        await using var server = await StartQuietServerAsync();
        var (socket, sid) = await OpenAsync(server);
        using var _ = socket;

        // "late" is read after the handler has closed the session; "later" is sent after the close frame arrived.
        await socket.SendTextAsync("4close-me");
        await socket.SendTextAsync("4late");
        await socket.WaitForCloseAsync();
        Assert.NotEqual(WebSocketState.Open, socket.State);
        try
        {
            await socket.SendTextAsync("4later");
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or ObjectDisposedException)
        {
            // The server may already have dropped the connection; then nothing can arrive anyway.
        }

        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));

        // Give a wrongly delivered message time to show up, then check that only the first one was seen.
        await Task.Delay(500);
        var seen = new List<string>();
        while (server.Handler.Messages.Reader.TryRead(out var message))
        {
            seen.Add(Encoding.UTF8.GetString(message.Data));
        }

        Assert.Equal(["close-me"], seen);
    }
}
