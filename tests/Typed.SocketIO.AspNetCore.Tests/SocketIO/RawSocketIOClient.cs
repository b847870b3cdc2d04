using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>What the server sent on a <see cref="RawSocketIOClient"/>: a text frame, a binary frame, or the end.</summary>
public readonly record struct SocketIOFrame(WebSocketMessageType Type, byte[] Data, WebSocketCloseStatus? CloseStatus = null)
{
    public bool IsText => Type == WebSocketMessageType.Text;

    public bool IsBinary => Type == WebSocketMessageType.Binary;

    /// <summary>The connection ended: a close frame, or the TCP connection went away.</summary>
    public bool IsClosed => Type == WebSocketMessageType.Close;

    public string Text => Encoding.UTF8.GetString(Data);

    public override string ToString() => Type switch
    {
        WebSocketMessageType.Text => $"text '{Text}'",
        WebSocketMessageType.Binary => $"binary {Convert.ToHexString(Data)}",
        _ => $"closed ({CloseStatus?.ToString() ?? "no close frame"})",
    };
}

/// <summary>
/// A Socket.IO client written by hand over Engine.IO on a <see cref="ClientWebSocket"/>
/// (<c>/socket.io/?EIO=4&amp;transport=websocket</c>): it answers heartbeat pings on its own and hands the test every
/// frame exactly as the server wrote it (Engine.IO <c>4</c> included, e.g. <c>40{"sid":"…"}</c>). Every receive is
/// bounded by a timeout.
/// </summary>
public sealed class RawSocketIOClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<SocketIOFrame> _frames = Channel.CreateUnbounded<SocketIOFrame>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private int _disposed;

    private RawSocketIOClient(ClientWebSocket socket, string openPacket)
    {
        _socket = socket;
        OpenPacket = openPacket;
        using var json = JsonDocument.Parse(openPacket.AsMemory(1));
        EngineSid = json.RootElement.GetProperty("sid").GetString()!;
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>The Engine.IO open packet (<c>0{…}</c>).</summary>
    public string OpenPacket { get; }

    /// <summary>The Engine.IO session id.</summary>
    public string EngineSid { get; }

    /// <summary>Opens the WebSocket and reads the Engine.IO open packet.</summary>
    public static async Task<RawSocketIOClient> ConnectAsync(Uri uri)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(SocketIOTestServer.BoundMs);
            await socket.ConnectAsync(uri, timeout.Token);
            var (type, data) = await ReadMessageAsync(socket, timeout.Token);
            Assert.Equal(WebSocketMessageType.Text, type);
            var open = Encoding.UTF8.GetString(data);
            Assert.StartsWith("0{", open);
            return new RawSocketIOClient(socket, open);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one text frame exactly as given (the Engine.IO type included: <c>40</c>, <c>42["x"]</c>…).</summary>
    public async Task SendAsync(string text)
    {
        await SendCoreAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);
    }

    /// <summary>Sends one binary frame (an Engine.IO binary message: a Socket.IO attachment).</summary>
    public Task SendBinaryAsync(byte[] bytes) => SendCoreAsync(bytes, WebSocketMessageType.Binary);

    /// <summary>Sends <c>40[/nsp,]</c> and returns the socket id of the CONNECT reply (asserted well-formed).</summary>
    public async Task<string> JoinAsync(string ns = "/", string? auth = null)
    {
        await SendAsync(ConnectPacket(ns, auth));
        return SocketIOTestSupport.ConnectReplySid(await ReceiveAsync(), ns);
    }

    /// <summary>The CONNECT packet for <paramref name="ns"/> with optional <paramref name="auth"/> JSON.</summary>
    public static string ConnectPacket(string ns, string? auth = null) =>
        ns == "/" ? "40" + auth : $"40{ns},{auth}";

    /// <summary>The next frame of any kind, heartbeat pings included (they are answered anyway).</summary>
    public async Task<SocketIOFrame> ReceiveFrameAsync(int timeoutMs = SocketIOTestServer.BoundMs)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        return await ReadFrameAsync(timeout.Token, timeoutMs);
    }

    /// <summary>The next frame that is not a heartbeat ping.</summary>
    public async Task<SocketIOFrame> ReceiveNonPingFrameAsync(int timeoutMs = SocketIOTestServer.BoundMs)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            var frame = await ReadFrameAsync(timeout.Token, timeoutMs);
            if (!(frame.IsText && frame.Text == "2"))
            {
                return frame;
            }
        }
    }

    private async Task<SocketIOFrame> ReadFrameAsync(CancellationToken cancellationToken, int timeoutMs)
    {
        try
        {
            return await _frames.Reader.ReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame from the server within {timeoutMs} ms.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException("The connection has already closed and every frame has been read.");
        }
    }

    /// <summary>The next text frame that is not a ping; anything else (binary, close) fails the test.</summary>
    public async Task<string> ReceiveAsync(int timeoutMs = SocketIOTestServer.BoundMs)
    {
        var frame = await ReceiveNonPingFrameAsync(timeoutMs);
        Assert.True(frame.IsText, $"Expected a text frame, got {frame}.");
        return frame.Text;
    }

    /// <summary>The next frame that is not a ping, which must be binary.</summary>
    public async Task<byte[]> ReceiveBinaryAsync(int timeoutMs = SocketIOTestServer.BoundMs)
    {
        var frame = await ReceiveNonPingFrameAsync(timeoutMs);
        Assert.True(frame.IsBinary, $"Expected a binary frame, got {frame}.");
        return frame.Data;
    }

    /// <summary>
    /// Waits until the server ends the connection, skipping (and returning) any frames on the way. Fails with
    /// <see cref="TimeoutException"/> when the connection is still up after <paramref name="timeoutMs"/>.
    /// </summary>
    public async Task<IReadOnlyList<SocketIOFrame>> WaitForCloseAsync(int timeoutMs = SocketIOTestServer.BoundMs)
    {
        var skipped = new List<SocketIOFrame>();
        using var deadline = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            SocketIOFrame frame;
            try
            {
                frame = await _frames.Reader.ReadAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The server did not close the connection within {timeoutMs} ms; frames seen: {string.Join(", ", skipped)}.");
            }

            if (frame.IsClosed)
            {
                return skipped;
            }

            skipped.Add(frame);
        }
    }

    /// <summary>Whether the WebSocket is still open from the client's point of view.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _socket.Abort();
        try
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or WebSocketException)
        {
        }

        _socket.Dispose();
    }

    private async Task SendCoreAsync(byte[] bytes, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(SocketIOTestServer.BoundMs);
        await _sendLock.WaitAsync(timeout.Token);
        try
        {
            await _socket.SendAsync(bytes, type, endOfMessage: true, timeout.Token);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var (type, data) = await ReadMessageAsync(_socket, _stop.Token);
                if (type == WebSocketMessageType.Close)
                {
                    _frames.Writer.TryWrite(new SocketIOFrame(WebSocketMessageType.Close, [], _socket.CloseStatus));
                    try
                    {
                        // Complete the close handshake so the server's connection ends cleanly.
                        using var timeout = new CancellationTokenSource(1000);
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }

                    return;
                }

                if (type == WebSocketMessageType.Text && data is [(byte)'2'])
                {
                    // A v4 server pings; the client answers at once, as engine.io-client does.
                    try
                    {
                        await SendCoreAsync("3"u8.ToArray(), WebSocketMessageType.Text);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }

                _frames.Writer.TryWrite(new SocketIOFrame(type, data));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The server aborted the connection (no close frame), or the test is disposing the client.
            _frames.Writer.TryWrite(new SocketIOFrame(WebSocketMessageType.Close, []));
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReadMessageAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var data = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
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
}
