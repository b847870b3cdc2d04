using System.Net.WebSockets;
using System.Text;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>Send and receive whole WebSocket messages with a timeout, for protocol tests.</summary>
public static class WebSocketExtensions
{
    public static Task SendTextAsync(this WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public static Task SendBinaryAsync(this WebSocket socket, byte[] bytes) =>
        socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>Receives one whole message; a close frame returns (Close, status description).</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessageAsync(this WebSocket socket, int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        var buffer = new byte[64 * 1024];
        using var data = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, []);
            }

            data.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, data.ToArray());
            }
        }
    }

    public static async Task<string> ReceiveTextAsync(this WebSocket socket, int timeoutMs = 5000)
    {
        var (type, data) = await socket.ReceiveMessageAsync(timeoutMs);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(data);
    }

    /// <summary>Receives text messages, skipping heartbeat pings (answering them), until one that is not a ping.</summary>
    public static async Task<string> ReceiveTextSkippingPingsAsync(this WebSocket socket, int timeoutMs = 5000)
    {
        while (true)
        {
            var text = await socket.ReceiveTextAsync(timeoutMs);
            if (text != "2")
            {
                return text;
            }

            await socket.SendTextAsync("3");
        }
    }

    /// <summary>Waits until the server closes the socket; returns the close status it sent (null when none).</summary>
    public static async Task<WebSocketCloseStatus?> WaitForCloseAsync(this WebSocket socket, int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return result.CloseStatus;
                }
            }
        }
        catch (WebSocketException)
        {
            return socket.CloseStatus;
        }
    }
}
