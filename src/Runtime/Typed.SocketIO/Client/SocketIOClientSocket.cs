using System.Text.Json;

namespace Typed.SocketIO.Client;

/// <summary>
/// The client's socket on one namespace (socket.io-client's <c>Socket</c>). Emitting is safe from any thread; emits
/// made while disconnected are buffered and sent in order on connect (see
/// <see cref="SocketIOClientSocketOptions.BufferWhileDisconnected"/>). Handlers, and the
/// <see cref="Connected"/>/<see cref="ConnectFailed"/>/<see cref="Disconnected"/> notifications, start in arrival
/// order, up to <see cref="SocketIOClientOptions.MaxParallelHandlersPerSocket"/> at once; acknowledgements are never
/// queued behind them, so a handler may await one.
/// </summary>
public sealed partial class SocketIOClientSocket : IPendingAckOwner, ISocketIOStreamPeer
{
    private readonly SocketIOClientSocketOptions _options;
    private readonly object _gate = new();
    private readonly SocketIOHandlerRegistry<SocketIOClientEvent> _handlers = new();
    private readonly SocketEventDispatcher<object> _inbox;
    private readonly Dictionary<long, PendingAck> _acks = [];
    private readonly List<BufferedEmit> _sendBuffer = [];

    // socket.io-client's receiveBuffer: events the server sent before its CONNECT reply (a middleware that emits
    // before it lets the socket in), delivered on connect. Bounded by the socket's queue limits. Under _gate.
    private readonly List<BufferedEvent> _receiveBuffer = [];
    private long _receiveBufferBytes;
    private readonly RetryQueue _retryQueue;
    private TaskCompletionSource? _connectWaiter;
    private Timer? _connectTimer;
    private int _connectAttempt;
    private long _nextAckId;
    private bool _active;
    private bool _connected;

    // One per connection, cancelled when it closes: the streams of docs/streaming.md end with it. Under _gate.
    private CancellationTokenSource? _connectionClosed;
    private bool _connectSent;
    private string? _id;

    // Connection state recovery: the server's pid (null while it has recovery off) and the offset of the last
    // replayable packet received, sent back on reconnection.
    private string? _pid;
    private string? _lastOffset;
    private bool _recovered;

    internal SocketIOClientSocket(SocketIOClient client, string ns, SocketIOClientSocketOptions options)
    {
        Client = client;
        Namespace = ns;
        _options = options;
        _retryQueue = new RetryQueue(this, options.Retries);
        var limits = client.Options;
        _inbox = new SocketEventDispatcher<object>(
            limits.MaxParallelHandlersPerSocket,
            limits.MaxQueuedEventsPerSocket,
            new EventByteBudget(limits.MaxQueuedBytesPerSocket),
            sharedBytes: null,
            DispatchAsync,
            OnDispatchFailed);
    }

    /// <summary>The client (the shared connection) this socket belongs to.</summary>
    public SocketIOClient Client { get; }

    /// <summary>The namespace, such as <c>/</c> or <c>/chat</c>.</summary>
    public string Namespace { get; }

    /// <summary>The id the server gave this socket (not the Engine.IO session id), or null while disconnected.</summary>
    public string? Id
    {
        get
        {
            lock (_gate)
            {
                return _id;
            }
        }
    }

    /// <summary>
    /// Whether the last connection recovered the previous session (connection state recovery on the server): same
    /// <see cref="Id"/> and rooms, and the events missed while disconnected were delivered before any new one.
    /// </summary>
    public bool Recovered
    {
        get
        {
            lock (_gate)
            {
                return _recovered;
            }
        }
    }

    /// <summary>Whether the socket is connected to its namespace.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _connected;
            }
        }
    }

    /// <summary>
    /// Whether the socket wants to be connected: from <see cref="ConnectAsync"/> until <see cref="Disconnect"/>, a
    /// server-side disconnect or a refusal. While active and disconnected, it reconnects by itself.
    /// </summary>
    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _active;
            }
        }
    }

    /// <summary>The socket connected to its namespace (first time or again).</summary>
    public event Action<SocketIOClientSocket>? Connected;

    /// <summary>
    /// A connection attempt failed (socket.io-client's <c>connect_error</c>). A refusal by the server
    /// (<see cref="SocketIOConnectException.IsRejectedByServer"/>) is final; other failures are retried.
    /// </summary>
    public event Action<SocketIOClientSocket, SocketIOConnectException>? ConnectFailed;

    /// <summary>The socket disconnected; <see cref="SocketIOClientDisconnectReasonExtensions.ReconnectsAutomatically"/> tells whether it comes back by itself.</summary>
    public event Action<SocketIOClientSocket, SocketIOClientDisconnectReason>? Disconnected;

    /// <summary>
    /// Connects to the namespace, opening the client's connection if needed, and completes once connected. Connection
    /// failures are retried while reconnection is enabled; fails with <see cref="SocketIOConnectException"/> when the
    /// server refuses the namespace, leaves its CONNECT unanswered past <see cref="SocketIOClientOptions.ConnectTimeout"/>,
    /// answers it without a <c>sid</c>, or when the reconnection attempts are used up. Cancelling stops the wait only; call
    /// <see cref="Disconnect"/> to stop trying.
    /// </summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_connected)
            {
                return Task.CompletedTask;
            }

            _active = true;
            waiter = _connectWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Client.Attach(this);
        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Leaves the namespace (the server sees <c>client namespace disconnect</c>) and stops reconnecting; when no other
    /// socket of the client is active, the connection closes. Awaited acknowledgements fail with
    /// <see cref="SocketIODisconnectedException"/>. Buffered emits stay buffered for a later <see cref="ConnectAsync"/>.
    /// </summary>
    public void Disconnect()
    {
        bool wasConnected;
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            wasConnected = _connected;
            if (wasConnected)
            {
                Client.Send(new SocketIOPacket { Type = SocketIOPacketType.Disconnect, Namespace = Namespace });
            }

            _active = false;
            StopConnectTimerLocked();
            waiter = TakeConnectWaiter();
        }

        waiter?.TrySetException(new SocketIODisconnectedException());
        if (wasConnected)
        {
            OnClosed(SocketIOClientDisconnectReason.IOClientDisconnect);
        }

        Client.Detach();
    }

    /// <summary>Handles <paramref name="eventName"/>; the returned object removes the handler when disposed.</summary>
    public IDisposable On(string eventName, Func<SocketIOClientEvent, ValueTask> handler) => _handlers.On(eventName, handler);

    /// <summary>Handles <paramref name="eventName"/> with a synchronous handler.</summary>
    public IDisposable On(string eventName, Action<SocketIOClientEvent> handler) => _handlers.On(eventName, handler);

    /// <summary>Sees every incoming event, before its own handlers.</summary>
    public IDisposable OnAny(Func<SocketIOClientEvent, ValueTask> handler) => _handlers.OnAny(handler);

    /// <summary>Sees every event this socket sends, when it is written: its name and arguments.</summary>
    public IDisposable OnAnyOutgoing(Action<string, IReadOnlyList<object?>> handler) => _handlers.OnAnyOutgoing(handler);

    internal SocketIOClientSocketOptions Options => _options;

    internal JsonSerializerOptions JsonOptions => Client.Options.JsonSerializerOptions;

    internal long NextAckId() => Interlocked.Increment(ref _nextAckId) - 1;

    /// <summary>Recovery and connect state as the tests' failure reports print it (pid, last offset, CONNECT sent).</summary>
    internal string DescribeRecoveryState()
    {
        lock (_gate)
        {
            return $"pid {_pid}, last offset {_lastOffset}, connect sent {_connectSent}";
        }
    }

    /// <summary>
    /// The connection opened (its open is number <paramref name="epoch"/> of <see cref="SocketIOClient.ConnectionEpoch"/>):
    /// an active socket asks for its namespace.
    /// </summary>
    internal void OnConnectionOpen(int epoch)
    {
        lock (_gate)
        {
            // A notice that arrives after its connection closed (the close ran between the open and this call) is
            // stale: acting on it would mark a CONNECT as sent that no connection carries, and the next connection's
            // notice would then find the CONNECT "already sent", leaving the socket unconnected until the server
            // dropped the connection for want of a CONNECT, or its connect timer gave up on it for good. Checked
            // under _gate: a close that comes after the check reaches this socket after it (OnConnectionClosed takes
            // _gate too), and resets what this sets.
            if (!_active || _connected || _connectSent || epoch != Client.ConnectionEpoch)
            {
                return;
            }

            _connectSent = true;

            // The namespace's answer is bounded by the client's connect timeout too (SocketIOClientOptions.ConnectTimeout):
            // a server that never answers the CONNECT must not leave ConnectAsync waiting forever.
            StopConnectTimerLocked();
            var attempt = ++_connectAttempt;
            _connectTimer = new Timer(static state => ((ConnectTimeoutState)state!).Fire(), new ConnectTimeoutState(this, attempt), Client.Options.ConnectTimeout, Timeout.InfiniteTimeSpan);
        }

        // ConnectAsync may call this on the application's thread: an auth provider (user code that may await without
        // ConfigureAwait) must not capture a SynchronizationContext that is about to block on ConnectAsync, so it runs
        // on the thread pool. Without one the CONNECT is queued right here, keeping the sockets' order.
        _ = _options.AuthProvider is null ? SendConnectAsync() : Task.Run(SendConnectAsync);
    }

    /// <summary>The connection could not be opened.</summary>
    internal void OnConnectionError(SocketIOConnectException error, bool willRetry)
    {
        TaskCompletionSource? waiter = null;
        lock (_gate)
        {
            if (!_active || _connected)
            {
                return;
            }

            if (!willRetry)
            {
                waiter = TakeConnectWaiter();
            }
        }

        _inbox.Enqueue(new ConnectFailedNotice(error));
        waiter?.TrySetException(error);
    }

    /// <summary>The client gave up reconnecting.</summary>
    internal void OnReconnectFailed()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = TakeConnectWaiter();
        }

        waiter?.TrySetException(new SocketIOConnectException("reconnection failed: every attempt was used up"));
    }

    /// <summary>The connection closed: the socket is disconnected, and reconnects with it unless it stopped being active.</summary>
    internal void OnConnectionClosed(SocketIOClientDisconnectReason reason, bool willRetry)
    {
        bool wasConnected;
        TaskCompletionSource? waiter = null;
        lock (_gate)
        {
            wasConnected = _connected;
            _connectSent = false;

            // The CONNECT went with the connection; the next one (after reconnecting) gets its own timer.
            StopConnectTimerLocked();

            // Closed before the namespace answered, and no reconnection will send the CONNECT again: ConnectAsync
            // fails now, as a failed open does, instead of waiting for a connection that is not coming.
            if (!wasConnected && !willRetry && _active)
            {
                waiter = TakeConnectWaiter();
            }
        }

        if (wasConnected)
        {
            OnClosed(reason);
        }

        if (waiter is not null)
        {
            var error = new SocketIOConnectException("the connection closed before the namespace answered: " + reason.ToWireString());
            _inbox.Enqueue(new ConnectFailedNotice(error));
            waiter.TrySetException(error);
        }
    }

    internal void OnClientDisposed()
    {
        TaskCompletionSource? waiter;
        bool wasConnected;
        lock (_gate)
        {
            wasConnected = _connected;
            _active = false;
            StopConnectTimerLocked();
            waiter = TakeConnectWaiter();
        }

        waiter?.TrySetException(new ObjectDisposedException(nameof(SocketIOClient)));
        if (wasConnected)
        {
            OnClosed(SocketIOClientDisconnectReason.ForcedClose);
        }

        _retryQueue.FailAll(new ObjectDisposedException(nameof(SocketIOClient)));
    }

    /// <summary>
    /// A packet for this namespace, on the receive path, from the connection whose open is number
    /// <paramref name="epoch"/> of <see cref="SocketIOClient.ConnectionEpoch"/>: acknowledgements complete at once,
    /// the rest is queued in order.
    /// </summary>
    /// <remarks>
    /// A receive loop can hand over a packet just as its connection closes. The packets that change the socket's
    /// state (CONNECT, CONNECT_ERROR, DISCONNECT) are then stale, and the socket may already be connecting or
    /// connected on the next connection: each checks its epoch under <c>_gate</c>, as <see cref="OnConnectionOpen"/>
    /// does, so an old connection's answer cannot connect, refuse or disconnect the socket on the new one.
    /// </remarks>
    internal void HandlePacket(SocketIOPacket packet, int epoch)
    {
        switch (packet.Type)
        {
            case SocketIOPacketType.Connect:
                OnConnectPacket(packet, epoch);
                break;
            case SocketIOPacketType.ConnectError:
                OnConnectErrorPacket(packet, epoch);
                break;
            case SocketIOPacketType.Disconnect:
                OnServerDisconnect(epoch);
                break;
            case SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent:
                OnEventPacket(packet, epoch);
                break;
            case SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck:
                OnAckPacket(packet);
                break;
        }
    }

    internal void SendAck(SocketIOPacket packet)
    {
        lock (_gate)
        {
            if (_connected)
            {
                Client.Send(packet);
            }
        }
    }

    void IPendingAckOwner.RemoveAck(long id, PendingAck expected)
    {
        lock (_gate)
        {
            if (_acks.TryGetValue(id, out var current) && current == expected)
            {
                _acks.Remove(id);

                // A buffered emit whose acknowledgement timed out is not sent any more (as socket.io-client).
                _sendBuffer.RemoveAll(b => b.Packet.AckId == id);
            }
        }
    }

    private TaskCompletionSource? TakeConnectWaiter()
    {
        var waiter = _connectWaiter;
        _connectWaiter = null;
        return waiter;
    }

    /// <summary>Under <c>_gate</c>: the CONNECT was answered, or no longer waits for an answer.</summary>
    private void StopConnectTimerLocked()
    {
        _connectTimer?.Dispose();
        _connectTimer = null;
    }

    /// <summary>
    /// The CONNECT of <paramref name="attempt"/> got no answer within the connect timeout: a connect error, final for
    /// this socket (as a refusal; <see cref="ConnectAsync"/> tries again). Stale timers (answered, closed, a newer
    /// CONNECT) do nothing.
    /// </summary>
    private void OnConnectTimeout(int attempt)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (attempt != _connectAttempt || !_connectSent || _connected || !_active)
            {
                return;
            }

            StopConnectTimerLocked();
            _connectSent = false;
            _active = false;
            waiter = TakeConnectWaiter();
        }

        FailConnect(new SocketIOConnectException("timeout"), waiter);
    }

    /// <summary>A final connect error: reported, thrown by <see cref="ConnectAsync"/>, and the connection closes if no other socket needs it.</summary>
    private void FailConnect(SocketIOConnectException error, TaskCompletionSource? waiter)
    {
        _inbox.Enqueue(new ConnectFailedNotice(error));
        waiter?.TrySetException(error);
        Client.Detach();
    }

    private async Task SendConnectAsync()
    {
        SocketIOPacket packet;
        try
        {
            var auth = _options.AuthProvider is { } provider ? await provider(Client.DisposedToken).ConfigureAwait(false) : _options.Auth;
            var data = SerializeAuth(auth);
            string? pid;
            string? offset;
            lock (_gate)
            {
                pid = _pid;
                offset = _lastOffset;
            }

            if (pid is not null)
            {
                data = RecoveryAuth.Merge(pid, offset, data);
            }

            packet = new SocketIOPacket { Type = SocketIOPacketType.Connect, Namespace = Namespace, Data = data };
        }
        catch (Exception ex)
        {
            TaskCompletionSource? waiter;
            lock (_gate)
            {
                _connectSent = false;
                _active = false;
                waiter = TakeConnectWaiter();
            }

            var error = new SocketIOConnectException("the auth payload could not be produced: " + ex.Message, innerException: ex);
            _inbox.Enqueue(new ConnectFailedNotice(error));
            waiter?.TrySetException(error);
            Client.Detach();
            return;
        }

        Client.Send(packet);
    }

    private ReadOnlyMemory<byte> SerializeAuth(object? auth)
    {
        if (auth is null)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(auth, JsonOptions.GetTypeInfo(auth.GetType()));
        if (json.Length == 0 || json[0] != (byte)'{')
        {
            throw new ArgumentException($"The auth payload must serialize to a JSON object; {auth.GetType()} does not.");
        }

        return json;
    }

    private void OnConnectPacket(SocketIOPacket packet, int epoch)
    {
        var (sid, pid) = ReadConnectReply(packet.Data);
        TaskCompletionSource? waiter;
        bool failed;
        BufferedEvent[] received = [];
        lock (_gate)
        {
            if (_connected || epoch != Client.ConnectionEpoch)
            {
                return;
            }

            if (!_active || !_connectSent)
            {
                // An answer nobody waits for any more (timed out, or left meanwhile): the server holds a socket for
                // us, so it is told we left rather than kept until the connection closes.
                if (sid is not null)
                {
                    Client.Send(new SocketIOPacket { Type = SocketIOPacketType.Disconnect, Namespace = Namespace });
                }

                return;
            }

            StopConnectTimerLocked();
            if (sid is null)
            {
                // socket.io-client reports this as a connect_error too (a server of another protocol version): no
                // retry can make that server speak v5, so it is final, as a refusal.
                _connectSent = false;
                _active = false;
                waiter = TakeConnectWaiter();
                failed = true;
            }
            else
            {
                failed = false;
                _connected = true;
                _connectionClosed = new CancellationTokenSource();
                _id = sid;

                // As socket.io-client: recovered when the server answers with the pid we presented.
                _recovered = pid is not null && pid == _pid;
                _pid = pid;
                waiter = TakeConnectWaiter();

                // Buffered emits go out first, in the order they were made, before anything emitted from now on.
                foreach (var buffered in _sendBuffer)
                {
                    NotifyOutgoing(buffered.Arguments, buffered.Packet);
                    Client.Send(buffered.Packet);
                }

                _sendBuffer.Clear();

                received = [.. _receiveBuffer];
                _receiveBuffer.Clear();
                _receiveBufferBytes = 0;
            }
        }

        if (failed)
        {
            FailConnect(new SocketIOConnectException("the server's CONNECT reply has no sid: not a Socket.IO v5 server"), waiter);
            return;
        }

        waiter?.TrySetResult();

        // As socket.io-client's emitBuffered: the events received before the CONNECT reply reach the handlers first,
        // in order, then the connect notification. The receive path is the only caller, so nothing newer can pass them.
        foreach (var buffered in received)
        {
            Deliver(buffered.Event, buffered.Bytes);
        }

        _inbox.Enqueue(ConnectedNotice.Instance);
        _retryQueue.Drain(force: true);
    }

    private static (string? Sid, string? Pid) ReadConnectReply(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return default;
        }

        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return default;
        }

        var sid = root.TryGetProperty("sid", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        var pid = root.TryGetProperty("pid", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        return (sid, pid);
    }

    private void OnConnectErrorPacket(SocketIOPacket packet, int epoch)
    {
        var error = ReadConnectError(packet.Data);
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (epoch != Client.ConnectionEpoch)
            {
                return;
            }

            _active = false;
            _connectSent = false;
            StopConnectTimerLocked();
            waiter = TakeConnectWaiter();
        }

        FailConnect(error, waiter);
    }

    private static SocketIOConnectException ReadConnectError(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            return new SocketIOConnectException("connection refused", isRejectedByServer: true);
        }

        using var document = JsonDocument.Parse(data);
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.String)
        {
            return new SocketIOConnectException(root.GetString()!, isRejectedByServer: true); // a v2 server's form
        }

        var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "connection refused";
        JsonElement? details = root.TryGetProperty("data", out var d) ? d.Clone() : null;
        return new SocketIOConnectException(message, details, isRejectedByServer: true);
    }

    private void OnServerDisconnect(int epoch)
    {
        lock (_gate)
        {
            if (!_connected || epoch != Client.ConnectionEpoch)
            {
                return;
            }

            _active = false;
        }

        OnClosed(SocketIOClientDisconnectReason.IOServerDisconnect);
        Client.Detach();
    }

    /// <summary>
    /// An event, on the receive path: started or queued at once, never waited for, so the acknowledgements and pings
    /// behind it are read whatever the handlers do. One the socket cannot hold is dropped, and said so.
    /// </summary>
    /// <remarks>
    /// An event of a connection that has closed (handed over late by that connection's receive loop) is dropped, as
    /// engine.io-client drops what a closed transport still reads. Kept, it would be delivered twice with recovery on:
    /// the next connection replays everything after the offset the socket presented, this event included, and this
    /// copy would come on top (buffered for the CONNECT reply, or after the replay); and its offset, taken after the
    /// newer ones, would send the socket's offset back, so the recovery after that would replay again everything
    /// received since. The epoch is checked and the offset taken under <c>_gate</c>, which the close and the next
    /// CONNECT (<see cref="SendConnectAsync"/>) take too: an event is either of the current connection, with its
    /// offset taken before any later CONNECT reads it, or dropped.
    /// </remarks>
    private void OnEventPacket(SocketIOPacket packet, int epoch)
    {
        var bytes = EventByteBudget.Measure(packet);

        // The packet's bytes belong to the receive buffer; the handlers run later and need their own.
        var arguments = SocketIOArguments.FromEvent(packet).Detach();
        var received = new SocketIOClientEvent(this, packet.EventName!, arguments, packet.AckId);
        string? limit = null;
        lock (_gate)
        {
            if (epoch != Client.ConnectionEpoch)
            {
                return;
            }

            if (_connected)
            {
                // Taken now, before the handlers see the event: a close and a new CONNECT between here and the
                // handler queue must present this offset, or the server would replay this event as missed. One the
                // queue then refuses is reported as dropped; a recovery does not bring it back.
                TrackOffsetLocked(arguments);
            }
            else
            {
                if (!_active)
                {
                    // Left (or refused) meanwhile: socket.io-client no longer listens to this namespace either.
                    return;
                }

                // Before the CONNECT reply: kept for the connect, as socket.io-client's receiveBuffer, within the
                // same bounds as the handler queue so a server cannot make an unconnected socket hold more.
                var options = Client.Options;
                if (_receiveBuffer.Count >= options.MaxQueuedEventsPerSocket)
                {
                    limit = $"{options.MaxQueuedEventsPerSocket} events already wait for the connection (MaxQueuedEventsPerSocket)";
                }
                else if (_receiveBufferBytes + bytes > options.MaxQueuedBytesPerSocket)
                {
                    limit = $"the events waiting for the connection would pass {options.MaxQueuedBytesPerSocket} bytes (MaxQueuedBytesPerSocket)";
                }
                else
                {
                    _receiveBuffer.Add(new BufferedEvent(received, bytes));
                    _receiveBufferBytes += bytes;
                    TrackOffsetLocked(arguments);
                    return;
                }
            }
        }

        if (limit is not null)
        {
            ReportDropped(packet.EventName!, limit);
            return;
        }

        Deliver(received, bytes);
    }

    /// <summary>Hands an event to the handler queue; one the queue cannot hold is dropped, and said so.</summary>
    private void Deliver(SocketIOClientEvent received, long bytes)
    {
        var limit = _inbox.TryEnqueue(received, bytes) switch
        {
            EventEnqueueResult.TooManyQueued => $"{Client.Options.MaxQueuedEventsPerSocket} events already wait for a handler (MaxQueuedEventsPerSocket)",
            EventEnqueueResult.TooManyBytes => $"the socket's unfinished events would pass {Client.Options.MaxQueuedBytesPerSocket} bytes (MaxQueuedBytesPerSocket)",
            _ => null,
        };
        if (limit is not null)
        {
            ReportDropped(received.EventName, limit);
        }
    }

    private void ReportDropped(string eventName, string limit) =>
        Client.ReportHandlerFailure(eventName, new InvalidOperationException($"Event '{eventName}' on namespace {Namespace} was dropped: {limit}."));

    /// <summary>
    /// As socket.io-client: with recovery on (the server gave the socket a pid), a string last argument is the packet's
    /// offset, presented on the next CONNECT. The argument stays in the event (socket.io-client does not strip it
    /// either; binders ignore extra trailing arguments). Unlike socket.io-client, an event with no argument leaves the
    /// offset alone rather than taking its name for one.
    /// </summary>
    private void TrackOffsetLocked(SocketIOArguments arguments)
    {
        if (_pid is null || arguments.Count == 0)
        {
            return;
        }

        var last = arguments.GetRawJson(arguments.Count - 1);
        if (!last.IsEmpty && last.Span[0] == (byte)'"')
        {
            _lastOffset = arguments.GetString(arguments.Count - 1);
        }
    }

    private void OnAckPacket(SocketIOPacket packet)
    {
        PendingAck? pending;
        lock (_gate)
        {
            if (packet.AckId is not long id || !_acks.Remove(id, out pending))
            {
                return; // unknown or late: ignored, as socket.io-client does
            }
        }

        pending.Complete(SocketIOArguments.FromAck(packet).Detach());
    }

    /// <summary>Now disconnected: acknowledgements of packets already sent fail; buffered ones wait for the next connection.</summary>
    private void OnClosed(SocketIOClientDisconnectReason reason)
    {
        List<PendingAck> failed = [];
        CancellationTokenSource? closed;
        lock (_gate)
        {
            if (!_connected)
            {
                return;
            }

            _connected = false;
            _connectSent = false;
            _id = null;
            closed = _connectionClosed;
            _connectionClosed = null;
            foreach (var (id, pending) in _acks)
            {
                if (!_sendBuffer.Exists(b => b.Packet.AckId == id))
                {
                    failed.Add(pending);
                }
            }

            foreach (var pending in failed)
            {
                _acks.Remove(pending.Id);
            }
        }

        foreach (var pending in failed)
        {
            pending.Fail(new SocketIODisconnectedException());
        }

        // Off this thread, outside the lock: the callbacks end streams and must not run application code here.
        _ = closed?.CancelAsync();
        _inbox.Enqueue(new DisconnectedNotice(reason));
    }

    private async ValueTask DispatchAsync(object item)
    {
        switch (item)
        {
            case SocketIOClientEvent e:
                await _handlers.InvokeAsync(e.EventName, e).ConfigureAwait(false);
                break;
            case ConnectedNotice:
                Connected?.Invoke(this);
                break;
            case ConnectFailedNotice failed:
                ConnectFailed?.Invoke(this, failed.Error);
                break;
            case DisconnectedNotice disconnected:
                Disconnected?.Invoke(this, disconnected.Reason);
                break;
        }
    }

    private void OnDispatchFailed(object item, Exception exception)
    {
        if (item is SocketIOClientEvent failed)
        {
            // A server waiting for an acknowledgement gets an error acknowledgement now, unless the handler had
            // already acknowledged (only the first is sent).
            failed.AckError(exception is SocketIOBindingException binding
                ? new SocketIOError(SocketIOErrorCodes.BindingError, binding.Message, binding.Parameter, binding.Position)
                : new SocketIOError(SocketIOErrorCodes.HandlerError, Client.Options.EnableDetailedErrors ? exception.Message : $"An error occurred while handling '{failed.EventName}'."));
        }

        var name = item switch
        {
            SocketIOClientEvent e => e.EventName,
            ConnectedNotice => "connect",
            ConnectFailedNotice => "connect_error",
            _ => "disconnect",
        };
        Client.ReportHandlerFailure(name, exception);
    }

    /// <summary>Tells the outgoing listeners about a packet being written: untyped emits show their arguments, typed ones their JSON.</summary>
    private void NotifyOutgoing(object?[]? args, SocketIOPacket packet)
    {
        if (!_handlers.HasOutgoingHandlers)
        {
            return;
        }

        if (args is null)
        {
            _handlers.NotifyOutgoing(packet, ReportOutgoingFailure);
        }
        else
        {
            _handlers.NotifyOutgoing(packet.EventName!, args, ReportOutgoingFailure);
        }
    }

    private void ReportOutgoingFailure(Exception exception) => Client.ReportHandlerFailure("OnAnyOutgoing", exception);

    /// <summary>An emit waiting for the connection: its arguments (null for a typed emit) and its packet.</summary>
    private sealed record BufferedEmit(object?[]? Arguments, SocketIOPacket Packet);

    /// <summary>An event received before the CONNECT reply, and the bytes it counts against the socket's limit.</summary>
    private sealed record BufferedEvent(SocketIOClientEvent Event, long Bytes);

    private sealed class ConnectedNotice
    {
        public static readonly ConnectedNotice Instance = new();
    }

    private sealed record ConnectFailedNotice(SocketIOConnectException Error);

    private sealed record DisconnectedNotice(SocketIOClientDisconnectReason Reason);

    /// <summary>What a CONNECT's timer needs: the socket and which CONNECT it bounds.</summary>
    private sealed class ConnectTimeoutState(SocketIOClientSocket socket, int attempt)
    {
        public void Fire() => socket.OnConnectTimeout(attempt);
    }
}
