using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// A hand-driven Socket.IO connection over one WebSocket, for the recovery security tests: it sends the CONNECT auth
/// it is given (any pid, any offset) and reads the raw packets back. Pings are answered.
/// </summary>
internal sealed class RawSocketIOConnection : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public static async Task<RawSocketIOConnection> OpenAsync(Uri baseUri, string? user = null)
    {
        var connection = new RawSocketIOConnection();
        if (user is not null)
        {
            connection._socket.Options.SetRequestHeader("x-user", user);
        }

        var uri = new UriBuilder(baseUri) { Scheme = "ws", Path = "/socket.io/", Query = "EIO=4&transport=websocket" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await connection._socket.ConnectAsync(uri, timeout.Token);
        var open = await connection.ReceiveAsync();
        Assert.StartsWith("0{", open);
        return connection;
    }

    /// <summary>Sends a namespace CONNECT with <paramref name="auth"/> (JSON, or null for none) and returns the reply's sid and pid.</summary>
    public async Task<(string Sid, string? Pid)> ConnectAsync(string? auth = null)
    {
        await SendAsync("40" + auth);
        var reply = await ReceiveAsync();
        Assert.StartsWith("40{", reply);
        using var document = JsonDocument.Parse(reply[2..]);
        var root = document.RootElement;
        return (root.GetProperty("sid").GetString()!, root.TryGetProperty("pid", out var pid) ? pid.GetString() : null);
    }

    /// <summary>Sends a namespace CONNECT without reading the answer.</summary>
    public Task SendRawConnectAsync(string auth) => SendAsync("40" + auth);

    /// <summary>The next packet as received (pings answered).</summary>
    public Task<string> ReceiveRawAsync() => ReceiveAsync();

    /// <summary>The next EVENT: its arguments after the name, as JSON.</summary>
    public async Task<JsonElement[]> ReceiveEventAsync()
    {
        while (true)
        {
            var packet = await ReceiveAsync();
            if (packet.StartsWith("42", StringComparison.Ordinal))
            {
                using var document = JsonDocument.Parse(packet[2..]);
                return [.. document.RootElement.EnumerateArray().Skip(1).Select(e => e.Clone())];
            }
        }
    }

    /// <summary>Drops the connection without a close handshake, as a dead network would.</summary>
    public void Abort() => _socket.Abort();

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task SendAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    private async Task<string> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var length = 0;
            bool end;
            do
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
                length += result.Count;
                end = result.EndOfMessage;
            }
            while (!end);

            var text = Encoding.UTF8.GetString(buffer, 0, length);
            if (text == "2")
            {
                await SendAsync("3");
                continue;
            }

            return text;
        }
    }
}
