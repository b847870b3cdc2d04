using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;

namespace Bench.LoadGen;

/// <summary>
/// One client WebSocket with its receive loop. Heartbeats and handshakes are answered here; every
/// <see cref="Kind.Reply"/> and <see cref="Kind.Data"/> record goes to <see cref="Handler"/>, awaited in order.
/// Sends are serialized (a pong may race a workload's send).
/// </summary>
public sealed class WsConnection : IDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Protocol _protocol;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Kind> _kinds = new(4);
    private byte[] _buffer = new byte[1024];
    private CorkingStream? _cork;

    private WsConnection(Protocol protocol)
    {
        _protocol = protocol;
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        _socket.Options.SetBuffer(1024, 1024);
    }

    /// <summary>Called for each reply or data record, on the receive loop.</summary>
    public Func<Kind, ValueTask>? Handler { get; set; }

    public Task Closed { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Opens the WebSocket and completes the protocol handshake (<c>40</c> / SignalR handshake). A
    /// <paramref name="corkable"/> connection can gather a burst of frames into one network write
    /// (<see cref="Cork"/>/<see cref="UncorkAsync"/>).
    /// </summary>
    public static async Task<WsConnection> ConnectAsync(Protocol protocol, int port, CancellationToken cancellationToken, string? sessionId = null, bool corkable = false)
    {
        var connection = new WsConnection(protocol);
        try
        {
            if (corkable)
            {
                // Our own TCP stream under ClientWebSocket: the upgraded connection writes through it.
                using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
                {
                    ConnectCallback = async (context, token) =>
                    {
                        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                        try
                        {
                            await socket.ConnectAsync(context.DnsEndPoint, token);
                            return connection._cork = new CorkingStream(new NetworkStream(socket, ownsSocket: true));
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                }, disposeHandler: false);
                await connection._socket.ConnectAsync(protocol.WebSocketUri(port, sessionId), invoker, cancellationToken);
            }
            else
            {
                await connection._socket.ConnectAsync(protocol.WebSocketUri(port, sessionId), cancellationToken);
            }

            connection.Closed = connection.ReceiveLoopAsync();
            if (protocol.Hello is { } hello)
            {
                await connection.SendAsync(hello);
                await connection._connected.Task.WaitAsync(cancellationToken);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Upgrades an Engine.IO session that is already connected over polling: <c>2probe</c> → <c>3probe</c> → <c>5</c>.
    /// </summary>
    public static async Task<WsConnection> UpgradeAsync(int port, string sessionId, CancellationToken cancellationToken)
    {
        var connection = new WsConnection(SocketIOProtocol.Instance);
        try
        {
            await connection._socket.ConnectAsync(SocketIOProtocol.Instance.WebSocketUri(port, sessionId), cancellationToken);
            connection.Closed = connection.ReceiveLoopAsync();
            await connection.SendAsync(SocketIOProtocol.Probe);
            await connection._connected.Task.WaitAsync(cancellationToken);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>From now on, frames are gathered in memory (corkable connections only).</summary>
    public void Cork() => (_cork ?? throw new InvalidOperationException("not a corkable connection")).Corked = true;

    /// <summary>Writes the gathered frames in one network write.</summary>
    public async ValueTask UncorkAsync()
    {
        await _send.WaitAsync();
        try
        {
            await _cork!.UncorkAsync();
        }
        finally
        {
            _send.Release();
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message)
    {
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == _buffer.Length)
                    {
                        Array.Resize(ref _buffer, _buffer.Length * 2);
                    }

                    result = await _socket.ReceiveAsync(_buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _kinds.Clear();
                _protocol.Classify(_buffer.AsSpan(0, length), _kinds);
                foreach (var kind in _kinds)
                {
                    switch (kind)
                    {
                        case Kind.Reply or Kind.Data:
                            if (Handler is { } handler)
                            {
                                await handler(kind);
                            }

                            break;
                        case Kind.Ping:
                            await SendAsync(_protocol.Pong);
                            break;
                        case Kind.Connected:
                            _connected.TrySetResult();
                            break;
                        case Kind.Probe:
                            await SendAsync(SocketIOProtocol.Upgrade);
                            _connected.TrySetResult();
                            break;
                        case Kind.Error:
                            _connected.TrySetException(new InvalidOperationException("the server refused the connection"));
                            break;
                    }
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Aborted by Dispose, or the server went away.
        }
        finally
        {
            _connected.TrySetException(new InvalidOperationException("the connection closed during the handshake"));
        }
    }

    /// <summary>Aborts the connection (a TCP reset: no TIME_WAIT, cheap for thousands of connections).</summary>
    public void Dispose()
    {
        _socket.Abort();
        _socket.Dispose();
    }
}

/// <summary>A stream that, while corked, gathers writes in memory and writes them out at once when uncorked.</summary>
internal sealed class CorkingStream(Stream inner) : Stream
{
    private byte[] _gathered = new byte[128 * 1024];
    private int _length;

    public bool Corked { get; set; }

    public async ValueTask UncorkAsync()
    {
        Corked = false;
        if (_length > 0)
        {
            var length = _length;
            _length = 0;
            await inner.WriteAsync(_gathered.AsMemory(0, length));
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Corked)
        {
            return inner.WriteAsync(buffer, cancellationToken);
        }

        if (_length + buffer.Length > _gathered.Length)
        {
            Array.Resize(ref _gathered, Math.Max(_gathered.Length * 2, _length + buffer.Length));
        }

        buffer.Span.CopyTo(_gathered.AsSpan(_length));
        _length += buffer.Length;
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Corked ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
