namespace Typed.SocketIO.Client;

/// <summary>The rest of socket.io-client's listener API: once, off, prependAny, and the send and receive buffers.</summary>
public sealed partial class SocketIOClientSocket
{
    /// <summary>
    /// Handles the next <paramref name="eventName"/> only (socket.io-client's <c>once</c>): the handler is removed
    /// before it runs. Disposing the returned object removes it if it has not run yet.
    /// </summary>
    public IDisposable Once(string eventName, Func<SocketIOClientEvent, ValueTask> handler) => _handlers.Once(eventName, handler, handler);

    /// <summary>Handles the next <paramref name="eventName"/> only, with a synchronous handler.</summary>
    public IDisposable Once(string eventName, Action<SocketIOClientEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return _handlers.Once(eventName, handler, e =>
        {
            handler(e);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>
    /// Removes <paramref name="handler"/> from <paramref name="eventName"/> (registered with <see cref="On(string, Func{SocketIOClientEvent, ValueTask})"/>
    /// or <see cref="Once(string, Func{SocketIOClientEvent, ValueTask})"/>): socket.io-client's <c>off(event, fn)</c>.
    /// Disposing what <c>On</c> returned does the same. Returns whether it was registered.
    /// </summary>
    public bool Off(string eventName, Func<SocketIOClientEvent, ValueTask> handler) => _handlers.Off(eventName, handler);

    /// <summary>Removes the synchronous <paramref name="handler"/> from <paramref name="eventName"/>; returns whether it was registered.</summary>
    public bool Off(string eventName, Action<SocketIOClientEvent> handler) => _handlers.Off(eventName, handler);

    /// <summary>Removes every handler of <paramref name="eventName"/> (socket.io-client's <c>off(event)</c>); returns whether there was one.</summary>
    public bool Off(string eventName) => _handlers.Off(eventName);

    /// <summary>The number of handlers of <paramref name="eventName"/> (catch-all handlers not counted): <c>listeners(event).length</c>.</summary>
    public int ListenerCount(string eventName) => _handlers.ListenerCount(eventName);

    /// <summary>A catch-all handler that runs before the catch-all handlers already registered (socket.io-client's <c>prependAny</c>).</summary>
    public IDisposable PrependAny(Func<SocketIOClientEvent, ValueTask> handler) => _handlers.PrependAny(handler);

    /// <summary>Removes the catch-all <paramref name="handler"/>, or every catch-all handler when it is null (<c>offAny</c>); returns whether one was removed.</summary>
    public bool OffAny(Func<SocketIOClientEvent, ValueTask>? handler = null) => _handlers.OffAny(handler);

    /// <summary>
    /// Accepted for socket.io-client's <c>socket.compress(false).emit(…)</c>, and returns this socket. The flag only
    /// matters to a WebSocket with permessage-deflate, which this client does not negotiate, so every emit goes
    /// uncompressed whatever it says; the server compresses polling responses on its side (docs/operations.md).
    /// </summary>
    public SocketIOClientSocket Compress(bool compress)
    {
        _ = compress;
        return this;
    }

    /// <summary>
    /// How many emits wait in the send buffer for the connection (socket.io-client's <c>sendBuffer.length</c>): made
    /// while disconnected, sent in order on connect.
    /// </summary>
    public int SendBufferCount
    {
        get
        {
            lock (_gate)
            {
                return _sendBuffer.Count;
            }
        }
    }

    /// <summary>
    /// Discards the buffered emits (socket.io-client's <c>socket.sendBuffer = []</c>): they are never sent, and those
    /// awaiting an acknowledgement fail with <see cref="SocketIODisconnectedException"/>. Returns how many were discarded.
    /// </summary>
    public int ClearSendBuffer()
    {
        List<PendingAck> failed = [];
        int count;
        lock (_gate)
        {
            count = _sendBuffer.Count;
            foreach (var buffered in _sendBuffer)
            {
                if (buffered.Packet.AckId is long id && _acks.Remove(id, out var pending))
                {
                    failed.Add(pending);
                }
            }

            _sendBuffer.Clear();
        }

        foreach (var pending in failed)
        {
            pending.Fail(new SocketIODisconnectedException());
        }

        return count;
    }

    /// <summary>
    /// How many received events wait for the connection (socket.io-client's <c>receiveBuffer.length</c>): events the
    /// server sent on this namespace before its CONNECT reply (a middleware that emits before letting the socket in).
    /// They reach the handlers in order when the socket connects, before <see cref="Connected"/>. The buffer is bounded
    /// by <see cref="SocketIOClientOptions.MaxQueuedEventsPerSocket"/> and <see cref="SocketIOClientOptions.MaxQueuedBytesPerSocket"/>;
    /// an event past them is dropped and reported through <see cref="SocketIOClient.HandlerFailed"/>.
    /// </summary>
    public int ReceiveBufferCount
    {
        get
        {
            lock (_gate)
            {
                return _receiveBuffer.Count;
            }
        }
    }

    /// <summary>
    /// Discards the events waiting for the connection (socket.io-client's <c>socket.receiveBuffer = []</c>): no
    /// handler sees them, and those the server asked to acknowledge stay unanswered. Returns how many were discarded.
    /// </summary>
    public int ClearReceiveBuffer()
    {
        lock (_gate)
        {
            var count = _receiveBuffer.Count;
            _receiveBuffer.Clear();
            _receiveBufferBytes = 0;
            return count;
        }
    }
}
