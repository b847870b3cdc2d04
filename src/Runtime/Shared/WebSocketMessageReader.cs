using System.Buffers;
using System.Net.WebSockets;
using System.Text.Unicode;

namespace Typed.SocketIO.Internal;

/// <summary>
/// Reads whole WebSocket messages into a pooled buffer, assembling fragments itself so it can count bytes as they
/// arrive: a message over the limit is refused with 1009 before it is buffered, and a flood of empty fragments with
/// 1008. The returned memory is valid until the next read. Both ends use it: the server's sessions (limit
/// <c>maxHttpBufferSize</c>) and the .NET client's WebSocket transport (limit
/// <c>SocketIOClientOptions.MaxIncomingMessageBytes</c>), which is why it lives in the shared source.
/// Between messages it holds no buffer: each read starts with a zero-byte receive, which waits for the next frame
/// without one (the WebSocket reads the frame header into its own small header buffer), and only then rents. An idle
/// connection, the common case for a Socket.IO server holding thousands, so costs no receive buffer at all.
/// </summary>
internal sealed class WebSocketMessageReader(WebSocket webSocket, long maxMessageSize, int maxEmptyFragments) : IDisposable
{
    private const int InitialBufferSize = 4096;

    // Empty between messages (see the class summary); rented when a frame arrives, returned at the next read.
    private byte[] _buffer = [];

    private bool _disposed;

    public WebSocketMessageType MessageType { get; private set; }

    /// <summary>The message just read; writable so a base64 packet can be decoded in place.</summary>
    public Memory<byte> Message { get; private set; }

    /// <summary>Why the read failed, for logging; null after a message.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Whether the last <see cref="WebSocketReadStatus.ProtocolError"/> was this reader's own limit (size or empty
    /// fragments) rather than a malformed frame: the client reports it as unusable data, not as a transport failure.
    /// </summary>
    public bool LimitExceeded { get; private set; }

    /// <param name="cancellationToken">
    /// Ends a pending read (the client passes its session's close token; the server relies on the socket being aborted).
    /// A cancelled read reports <see cref="WebSocketReadStatus.ConnectionLost"/>, and the WebSocket is then unusable.
    /// </param>
    public async ValueTask<WebSocketReadStatus> ReadAsync(CancellationToken cancellationToken = default)
    {
        // The previous message is no longer needed: its buffer goes back to the pool before the wait.
        ReturnBuffer();
        Message = default;
        var count = 0;
        var emptyFragments = 0;
        Error = null;
        LimitExceeded = false;
        while (true)
        {
            // The first receive of a message has no buffer: a zero-byte receive, which completes when a data frame's
            // header has arrived (control frames are handled inside the WebSocket) and returns no payload. A frame
            // with a payload then reports EndOfMessage false and its payload is read into a buffer rented below. An
            // empty non-final fragment looks the same, so that first answer is not counted against
            // maxEmptyFragments: the limit may let one more empty fragment through, never fewer.
            if (_buffer.Length > 0 && count == _buffer.Length)
            {
                Grow(count);
            }

            ValueWebSocketReceiveResult result;
            try
            {
                result = await webSocket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                if (_disposed)
                {
                    // Disposed while the read was pending (the connection is going away): nothing more is read.
                    ReturnBuffer();
                    return WebSocketReadStatus.ConnectionLost;
                }
            }
            catch (WebSocketException ex) when (ex.WebSocketErrorCode == WebSocketError.ConnectionClosedPrematurely)
            {
                Error = ex.Message;
                return WebSocketReadStatus.ConnectionLost;
            }
            catch (WebSocketException ex)
            {
                // Invalid frames (RSV bits, unmasked, bad opcode, invalid UTF-8): the WebSocket has already sent its close code.
                Error = ex.Message;
                return WebSocketReadStatus.ProtocolError;
            }
            // Kestrel's ConnectionAbortedException is an OperationCanceledException, so this also covers a server
            // connection aborted under the read, without the client assembly referencing ASP.NET Core.
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
            {
                Error = ex.Message;
                return WebSocketReadStatus.ConnectionLost;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return WebSocketReadStatus.PeerClosed;
            }

            count += result.Count;
            if (count > maxMessageSize)
            {
                Error = $"message larger than {maxMessageSize} bytes";
                LimitExceeded = true;
                await CloseQuietlyAsync(WebSocketCloseStatus.MessageTooBig, "Max payload size exceeded").ConfigureAwait(false);
                return WebSocketReadStatus.ProtocolError;
            }

            if (result.EndOfMessage)
            {
                // .NET's WebSocket checks a text message's UTF-8 as each fragment arrives, and at the end of the
                // message that it does not stop inside a character; but an empty final fragment skips that last
                // check, so [34 CE] then an empty final fragment passed as a text message (found by eng/fuzz.sh
                // websocket). Such a message is checked whole here; every other one the WebSocket has checked.
                if (result.MessageType == WebSocketMessageType.Text && result.Count == 0 && count > 0 && !Utf8.IsValid(_buffer.AsSpan(0, count)))
                {
                    Error = "invalid UTF-8 in a text message";
                    await CloseQuietlyAsync(WebSocketCloseStatus.InvalidPayloadData, "Invalid UTF-8").ConfigureAwait(false);
                    return WebSocketReadStatus.ProtocolError;
                }

                MessageType = result.MessageType;
                Message = _buffer.AsMemory(0, count);
                return WebSocketReadStatus.Message;
            }

            if (count == 0 && _buffer.Length == 0)
            {
                // The zero-byte receive saw a frame with a payload (or an empty fragment): rent, then read it.
                _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
                continue;
            }

            if (result.Count == 0 && ++emptyFragments > maxEmptyFragments)
            {
                Error = $"more than {maxEmptyFragments} empty fragments in one message";
                LimitExceeded = true;
                await CloseQuietlyAsync(WebSocketCloseStatus.PolicyViolation, "Too many fragments").ConfigureAwait(false);
                return WebSocketReadStatus.ProtocolError;
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        ReturnBuffer();
    }

    private void Grow(int used)
    {
        // One byte past the limit is enough to see that a message is too large.
        var size = (int)Math.Min((long)_buffer.Length * 2, maxMessageSize + 1);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(size, used + 1));
        _buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private void ReturnBuffer()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask CloseQuietlyAsync(WebSocketCloseStatus status, string description)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await webSocket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone or misbehaving; the socket is aborted by the caller either way.
        }
    }
}
