using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Typed.EngineIO;

namespace Typed.SocketIO;

/// <summary>
/// A client connected to a namespace. Its handlers start in the order events arrived, up to
/// <see cref="SocketIOOptions.MaxParallelHandlersPerSocket"/> at once; acknowledgements the client sends are processed
/// as they arrive, never queued behind handlers, so a handler may await one. Every member is safe to call from any
/// thread.
/// </summary>
public sealed partial class SocketIOSocket : IRemoteSocket, IPendingAckOwner
{
    private readonly SocketIOConnection _connection;
    private readonly object _gate = new();
    private readonly Dictionary<long, PendingAck> _acks = [];
    private readonly SocketEventDispatcher<SocketIOEventContext?> _events;
    private readonly SocketIOHandlerRegistry<SocketIOEventContext> _handlers = new();
    private Func<SocketIOEventContext, Func<ValueTask>, ValueTask>[] _middlewares = [];
    private readonly ClientErrorLogLimiter _bindingErrorLog = new();
    private readonly ClientErrorLogLimiter _unknownEventLog = new();
    private readonly object _connectGate = new();

    // Until the connection handlers have run (then the CONNECT reply is written), what the socket sends is held here,
    // so it follows the reply; null once connected. A refused socket drops it.
    private List<(List<EngineIOOutgoingPacket> Packets, bool IsVolatile)>? _held = [];
    private int _state; // 0 connected, 1 disconnected
    private bool _refused;
    private IDictionary<string, object?>? _data;

    internal SocketIOSocket(SocketIONamespace ns, SocketIOConnection connection, string id, SocketIOHandshake handshake, string? pid = null, SocketIOSession? recovered = null)
    {
        Namespace = ns;
        _connection = connection;
        Id = id;
        Handshake = handshake;
        Pid = pid;
        Recovered = recovered is not null;
        _data = recovered?.Data; // a recovered socket gets its Data back; others create it on first use
        // A null item stands for the namespace's connection handlers, which run alone, before any event.
        var options = ns.Server.Options;
        _events = new SocketEventDispatcher<SocketIOEventContext?>(
            options.MaxParallelHandlersPerSocket,
            options.MaxQueuedEventsPerSocket,
            new EventByteBudget(options.MaxQueuedBytesPerSocket),
            connection.EventBytes,
            item => item is null ? RunConnectionHandlersAsync() : SocketIOServerActivities.DispatchAsync(this, item),
            OnWorkFailed);
    }

    /// <summary>The socket id (also the name of a room holding only this socket). Not the Engine.IO session id.</summary>
    public string Id { get; }

    /// <summary>The namespace the socket belongs to.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>What the client's connection carried.</summary>
    public SocketIOHandshake Handshake { get; }

    // Created on first use: a concurrent dictionary costs about 0.4 KB, and most sockets never store anything.
    /// <summary>Per-socket storage for the application.</summary>
    public IDictionary<string, object?> Data =>
        _data ?? Interlocked.CompareExchange(ref _data, new ConcurrentDictionary<string, object?>(StringComparer.Ordinal), null) ?? _data;

    /// <summary>
    /// Whether this socket is a recovered one (connection state recovery): it got back the id, rooms and
    /// <see cref="Data"/> of a socket that left unexpectedly, and the packets that socket missed were replayed first.
    /// </summary>
    public bool Recovered { get; }

    /// <summary>The private session id of connection state recovery (null when it is off): the client's secret.</summary>
    internal string? Pid { get; }

    /// <summary>Whether the socket is still connected to its namespace.</summary>
    public bool Connected => System.Threading.Volatile.Read(ref _state) == 0;

    /// <summary>The rooms the socket is in, its own id room included.</summary>
    public IReadOnlyCollection<string> Rooms => Namespace.Adapter.GetSocketRooms(Id);

    /// <summary>The Engine.IO connection under the socket (shared by its other namespaces): <c>socket.conn</c>.</summary>
    public EngineIOSocket Connection => _connection.Engine;

    /// <summary>Raised when the socket is about to leave: its rooms are still visible.</summary>
    public event Action<SocketIOSocket, SocketIODisconnectReason>? Disconnecting;

    /// <summary>Raised once the socket has left its namespace and its rooms.</summary>
    public event Action<SocketIOSocket, SocketIODisconnectReason>? Disconnected;

    internal ILogger Logger => Namespace.Server.Logger;

    /// <summary>Handles <paramref name="eventName"/>; the returned object removes the handler when disposed.</summary>
    public IDisposable On(string eventName, Func<SocketIOEventContext, ValueTask> handler) => _handlers.On(eventName, handler);

    /// <summary>Handles <paramref name="eventName"/> with a synchronous handler.</summary>
    public IDisposable On(string eventName, Action<SocketIOEventContext> handler) => _handlers.On(eventName, handler);

    /// <summary>Sees every incoming event, before its own handlers.</summary>
    public IDisposable OnAny(Func<SocketIOEventContext, ValueTask> handler) => _handlers.OnAny(handler);

    /// <summary>Sees every event this socket emits: its name and arguments.</summary>
    public IDisposable OnAnyOutgoing(Action<string, IReadOnlyList<object?>> handler) => _handlers.OnAnyOutgoing(handler);

    /// <summary>
    /// Adds a packet middleware: it runs for every incoming event before the handlers and calls <c>next</c> to go
    /// on; not calling it, or throwing, drops the event.
    /// </summary>
    public void Use(Func<SocketIOEventContext, Func<ValueTask>, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_gate)
        {
            _middlewares = [.. _middlewares, middleware];
        }
    }

    /// <summary>Emits <paramref name="eventName"/> to this client.</summary>
    /// <exception cref="ArgumentException">The name is reserved (connect, disconnect…).</exception>
    public void Emit(string eventName, params object?[] args)
    {
        SocketIOEmitter.ValidateEventName(eventName);
        args = SocketIOEmitter.Arguments(args);
        NotifyOutgoing(eventName, args);
        var packet = SocketIOEmitter.CreateEvent(Namespace, eventName, args, ackId: null);
        WriteEvent(packet);
    }

    /// <summary>
    /// An event without acknowledgement to this client. With recovery on it goes through the adapter as a broadcast to
    /// the socket's own room, as socket.io 4.8 does, so it is numbered and kept for replay like any broadcast (the
    /// stock client reads the last string argument of any event as its offset).
    /// </summary>
    internal void WriteEvent(SocketIOPacket packet)
    {
        if (Pid is not null)
        {
            Namespace.Adapter.Broadcast(packet, new SocketIOBroadcastOptions { Rooms = [Id], Except = [] });
            return;
        }

        WritePacket(packet, isVolatile: false);
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> and waits for the client's acknowledgement: fails with
    /// <see cref="SocketIOAckTimeoutException"/> after <paramref name="timeout"/> (default
    /// <see cref="SocketIOOptions.DefaultAckTimeout"/>), with <see cref="SocketIODisconnectedException"/> if the socket
    /// disconnects first, or when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        SocketIOEmitter.ValidateEventName(eventName);
        args = SocketIOEmitter.Arguments(args);
        var id = Namespace.NextAckId();
        if (RegisterAck(id, eventName, timeout, cancellationToken) is not { } pending)
        {
            return FailedAck();
        }

        NotifyOutgoing(eventName, args);
        WritePacket(SocketIOEmitter.CreateEvent(Namespace, eventName, args, id), isVolatile: false);
        return pending.Task;
    }

    /// <summary>Expects the acknowledgement <paramref name="id"/>; null when disconnected or at the pending-ack limit.</summary>
    private PendingAck? RegisterAck(long id, string eventName, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var pending = new PendingAck(this, id, eventName);
        lock (_acks)
        {
            if (!Connected || _acks.Count >= Namespace.Server.Options.MaxPendingAcksPerSocket)
            {
                return null;
            }

            _acks[id] = pending;
        }

        pending.StartTimer(timeout ?? Namespace.Server.Options.DefaultAckTimeout, cancellationToken);
        return pending;
    }

    /// <summary>Why <see cref="RegisterAck"/> refused: disconnected, or too many acknowledgements outstanding.</summary>
    private Task<SocketIOArguments> FailedAck()
    {
        if (!Connected)
        {
            return Task.FromException<SocketIOArguments>(new SocketIODisconnectedException());
        }

        Namespace.Server.Metrics.LimitHit("MaxPendingAcksPerSocket");
        return Task.FromException<SocketIOArguments>(new InvalidOperationException(
            $"Socket {Id} already waits for {Namespace.Server.Options.MaxPendingAcksPerSocket} acknowledgements (MaxPendingAcksPerSocket)."));
    }

    /// <summary>Emits with an acknowledgement awaited for at most <paramref name="timeout"/>.</summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args) =>
        EmitWithAckAsync(eventName, args, timeout);

    /// <summary>Joins <paramref name="room"/>.</summary>
    public void Join(string room) => Join([room]);

    /// <summary>Joins every room of <paramref name="rooms"/>.</summary>
    /// <exception cref="ArgumentException">A room name is empty, longer than <see cref="SocketIOOptions.MaxRoomNameLength"/>, or reserved (<see cref="SocketIOUserRooms.Prefix"/>).</exception>
    /// <exception cref="InvalidOperationException">The socket would be in more than <see cref="SocketIOOptions.MaxRoomsPerSocket"/> rooms.</exception>
    public void Join(IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        var options = Namespace.Server.Options;
        foreach (var room in rooms)
        {
            if (string.IsNullOrEmpty(room) || room.Length > options.MaxRoomNameLength)
            {
                throw new ArgumentException($"Room names are 1 to {options.MaxRoomNameLength} characters long.", nameof(rooms));
            }

            if (room.StartsWith(SocketIOUserRooms.Prefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Room names starting with '{SocketIOUserRooms.Prefix}' are reserved for user rooms.", nameof(rooms));
            }
        }

        if (!Connected)
        {
            return;
        }

        if (Namespace.Adapter.GetSocketRooms(Id).Count + rooms.Count > options.MaxRoomsPerSocket)
        {
            throw new InvalidOperationException($"Socket {Id} would be in more than {options.MaxRoomsPerSocket} rooms (MaxRoomsPerSocket).");
        }

        Namespace.Adapter.AddAll(Id, rooms);
    }

    /// <summary>Leaves <paramref name="room"/>.</summary>
    public void Leave(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        Namespace.Adapter.Delete(Id, room);
    }

    /// <summary>Every other socket of the namespace (<c>socket.broadcast</c>).</summary>
    public SocketIOBroadcastOperator Broadcast => Namespace.Except(Id);

    /// <summary>The sockets in <paramref name="room"/>, except this one (<c>socket.to(room)</c>).</summary>
    public SocketIOBroadcastOperator To(string room) => Namespace.To(room).Except(Id);

    /// <summary>Same as <see cref="To"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Every other socket of the namespace except those in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => Namespace.Except(Id).Except(room);

    /// <summary>
    /// Disconnects the socket from its namespace (the client sees <c>io server disconnect</c> and does not reconnect;
    /// the server reason is <c>server namespace disconnect</c>). <paramref name="close"/> disconnects every socket of
    /// the connection that way and then closes it.
    /// </summary>
    public void Disconnect(bool close = false)
    {
        if (!Connected)
        {
            return;
        }

        if (close)
        {
            // As socket.io 4.8: every socket of the connection is disconnected the normal way, then it closes.
            _connection.DisconnectAllAndClose();
            return;
        }

        // The client is told ("41"), so it reports "io server disconnect" and does not reconnect.
        WritePacket(new SocketIOPacket { Type = SocketIOPacketType.Disconnect, Namespace = Namespace.Name }, isVolatile: false);
        OnClosed(SocketIODisconnectReason.ServerNamespaceDisconnect);
    }

    void IRemoteSocket.Emit(string eventName, params object?[] args) => Emit(eventName, args);

    /// <summary>Writes an acknowledgement to the client, unless it has left.</summary>
    internal void SendAck(SocketIOPacket packet)
    {
        if (Connected)
        {
            WritePacket(packet, isVolatile: false);
        }
    }

    internal void WritePacket(SocketIOPacket packet, bool isVolatile)
    {
        var encoded = new List<EngineIOOutgoingPacket>(1 + packet.Attachments.Count);
        Namespace.Server.Parser.Encode(packet, encoded);
        Namespace.Server.Metrics.PacketSent(Namespace, packet);
        WriteEncoded(encoded, isVolatile);
    }

    /// <summary>Queues packets already encoded (a broadcast encodes once for all its recipients).</summary>
    internal void WriteEncoded(List<EngineIOOutgoingPacket> encoded, bool isVolatile)
    {
        if (!Connected)
        {
            return;
        }

        if (System.Threading.Volatile.Read(ref _held) is not null)
        {
            lock (_connectGate)
            {
                if (_held is not null)
                {
                    _held.Add((encoded, isVolatile));
                    return;
                }
            }
        }

        _connection.Write(encoded, isVolatile);
    }

    internal void NotifyOutgoing(string eventName, object?[] args) =>
        _handlers.NotifyOutgoing(eventName, args, ex => SocketIOLog.HandlerFailed(Logger, ex, "OnAnyOutgoing", Id));

    /// <summary>
    /// An event from the client, on the receive path: started or queued for this socket's handlers, in arrival order.
    /// Never waits. Past the socket's bounds the socket is disconnected; past the connection's, the connection closes.
    /// </summary>
    internal void EnqueueEvent(SocketIOPacket packet)
    {
        var bytes = EventByteBudget.Measure(packet);

        // The packet's bytes belong to the connection's receive buffer; the handlers run later and need their own.
        var arguments = SocketIOArguments.FromEvent(packet).Detach();
        var result = _events.TryEnqueue(new SocketIOEventContext(this, packet.EventName!, arguments, packet.AckId), bytes);
        Namespace.Server.Metrics.EventReceived(Namespace, result);
        switch (result)
        {
            case EventEnqueueResult.TooManyQueued:
                SocketIOLog.EventQueueFull(Logger, Id, Namespace.Name, $"{Namespace.Server.Options.MaxQueuedEventsPerSocket} events waiting (MaxQueuedEventsPerSocket)");
                Disconnect();
                break;
            case EventEnqueueResult.TooManyBytes:
                SocketIOLog.EventQueueFull(Logger, Id, Namespace.Name, $"{Namespace.Server.Options.MaxQueuedBytesPerSocket} bytes unfinished (MaxQueuedBytesPerSocket)");
                Disconnect();
                break;
            case EventEnqueueResult.TooManyConnectionBytes:
                SocketIOLog.ConnectionEventBytesExceeded(Logger, _connection.Engine.Id, Namespace.Server.Options.MaxQueuedBytesPerConnection);
                _connection.Close(SocketIODisconnectReason.ForcedServerClose);
                break;
        }
    }

    /// <summary>
    /// Runs the namespace's connection handlers through the event queue, alone: they finish before any event starts,
    /// so handlers they register see every event.
    /// </summary>
    internal void EnqueueConnection() => _events.Enqueue(null, exclusive: true);

    /// <summary>
    /// Runs the namespace's connection handlers (a hub's constructor and <c>OnConnectedAsync</c> among them), then
    /// answers the CONNECT. One that throws refuses the connection, as a middleware would: authorization by throwing
    /// must not fail open (reliability bug 4).
    /// </summary>
    internal async ValueTask RunConnectionHandlersAsync()
    {
        try
        {
            foreach (var handler in Namespace.ConnectionHandlers)
            {
                await handler(this).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Refuse(ex);
            return;
        }

        lock (_connectGate)
        {
            // Under the lock: what the handlers sent, and anything sent meanwhile, follows the reply in order.
            if (Connected)
            {
                _connection.AcceptConnect(this);
                foreach (var (packets, isVolatile) in _held!)
                {
                    _connection.Write(packets, isVolatile);
                }
            }

            System.Threading.Volatile.Write(ref _held, null);
        }

        if (Connected)
        {
            SocketIOLog.SocketConnected(Logger, Id, Namespace.Name);
        }
    }

    /// <summary>A connection handler threw: CONNECT_ERROR, and the socket goes away without its disconnect events.</summary>
    private void Refuse(Exception exception)
    {
        string message;
        System.Text.Json.JsonElement? data = null;
        if (exception is SocketIOConnectionRejectedException rejection)
        {
            SocketIOLog.ConnectRefused(Logger, Namespace.Name, rejection.Message);
            message = rejection.Message;
            data = rejection.Data;
        }
        else
        {
            SocketIOLog.ConnectionHandlerFailed(Logger, exception, Id, Namespace.Name);
            message = Namespace.Server.Options.EnableDetailedErrors ? exception.Message : "Internal error";
        }

        lock (_connectGate)
        {
            _refused = true;
            System.Threading.Volatile.Write(ref _held, null);
            if (Connected)
            {
                _connection.RefuseConnect(this, message, data);
            }
        }

        if (Interlocked.Exchange(ref _state, 1) != 0)
        {
            return;
        }

        // Never connected, as the client sees it: no Disconnecting/Disconnected (a hub's OnDisconnectedAsync does not
        // run, as in SignalR when OnConnectedAsync throws).
        Namespace.Adapter.DeleteAll(Id);
        Namespace.RemoveSocket(this);
        _connection.RemoveSocket(this);
        FailPendingAcks();
    }

    internal async ValueTask DispatchAsync(SocketIOEventContext context)
    {
        if (System.Threading.Volatile.Read(ref _refused))
        {
            return; // an event a client sent before its refused CONNECT was answered: never served
        }

        var middlewares = System.Threading.Volatile.Read(ref _middlewares);
        if (middlewares.Length == 0)
        {
            await InvokeHandlersAsync(context).ConfigureAwait(false);
            return;
        }

        var index = 0;
        async ValueTask Next()
        {
            if (index < middlewares.Length)
            {
                await middlewares[index++](context, Next).ConfigureAwait(false);
            }
            else
            {
                await InvokeHandlersAsync(context).ConfigureAwait(false);
            }
        }

        await Next().ConfigureAwait(false);
    }

    private ValueTask InvokeHandlersAsync(SocketIOEventContext context)
    {
        if (!_handlers.Handles(context.EventName))
        {
            OnUnknownEvent(context);
            return ValueTask.CompletedTask;
        }

        return _handlers.InvokeAsync(context.EventName, context);
    }

    /// <summary>
    /// No handler and no catch-all: counted, logged at Debug (rate-limited), and a caller waiting for an
    /// acknowledgement is told at once (Typed's choice; socket.io leaves it waiting for its timeout).
    /// </summary>
    private void OnUnknownEvent(SocketIOEventContext context)
    {
        Namespace.Server.Counters.UnknownEvent();
        if (Logger.IsEnabled(LogLevel.Debug) && _unknownEventLog.TryEnter(Namespace.Server.Options.ClientErrorLogInterval, out var suppressed))
        {
            SocketIOLog.UnknownEvent(Logger, Id, context.EventName, suppressed);
        }

        context.AckError(new SocketIOError(SocketIOErrorCodes.UnknownEvent, $"No handler for '{context.EventName}'."));
    }

    /// <summary>
    /// The queue's report of a failed item. For an event: a caller waiting for an acknowledgement gets an error
    /// acknowledgement now (unless the handler had already acknowledged); a binding error is the client's fault and is
    /// logged in one line, rate-limited; a handler's exception is the server's and is logged with its stack trace.
    /// </summary>
    private void OnWorkFailed(SocketIOEventContext? context, Exception exception)
    {
        if (context is null)
        {
            // RunConnectionHandlersAsync catches its handlers' failures; this is a failure of the refusal itself.
            SocketIOLog.HandlerFailed(Logger, exception, "OnConnection", Id);
            return;
        }

        var options = Namespace.Server.Options;
        if (exception is SocketIOBindingException binding)
        {
            Namespace.Server.Counters.BindingError();
            var reason = binding.InnerException is { } inner && options.EnableDetailedErrors ? $"{binding.Message} {inner.Message}" : binding.Message;
            context.AckError(new SocketIOError(SocketIOErrorCodes.BindingError, reason, binding.Parameter, binding.Position));
            if (Logger.IsEnabled(options.ClientErrorLogLevel) && _bindingErrorLog.TryEnter(options.ClientErrorLogInterval, out var suppressed))
            {
                SocketIOLog.BindingFailed(Logger, options.ClientErrorLogLevel, Id, context.EventName, binding.Position, binding.Parameter, binding.Message, suppressed);
            }

            return;
        }

        Namespace.Server.Counters.HandlerError();
        var message = options.EnableDetailedErrors ? exception.Message : $"An error occurred while handling '{context.EventName}'.";
        context.AckError(new SocketIOError(SocketIOErrorCodes.HandlerError, message));
        SocketIOLog.HandlerFailed(Logger, exception, context.EventName, Id);
    }

    /// <summary>An acknowledgement from the client: completes its emit at once (never queued behind handlers).</summary>
    internal void HandleAck(SocketIOPacket packet)
    {
        PendingAck? pending;
        lock (_acks)
        {
            if (packet.AckId is not long id || !_acks.Remove(id, out pending))
            {
                return; // unknown or late: ignored, as the reference does
            }
        }

        pending.Complete(SocketIOArguments.FromAck(packet).Detach());
    }

    /// <summary>Expects this socket's answer to a broadcast; the entry goes away on answer, timeout or disconnect.</summary>
    internal void RegisterBroadcastAck(long id, Action<SocketIOArguments> onResponse, TimeSpan timeout)
    {
        // The collector gets every answer as is, error acknowledgements included: the event name is not needed.
        var pending = new PendingAck(this, id, string.Empty, onResponse);
        lock (_acks)
        {
            if (!Connected)
            {
                return;
            }

            _acks[id] = pending;
        }

        pending.StartTimer(timeout, CancellationToken.None);
    }

    /// <summary>Leaves the namespace for <paramref name="reason"/>: events, rooms, pending acknowledgements.</summary>
    internal void OnClosed(SocketIODisconnectReason reason)
    {
        if (Interlocked.Exchange(ref _state, 1) != 0)
        {
            return;
        }

        // Closing never waits for application code: events not started yet are dropped, running ones finish later.
        _events.Close();
        Raise(Disconnecting, reason);

        // The session is kept only once this socket has left, so a recovery (which rejoins the same id) can never
        // be undone by this socket's own leaving; what is broadcast meanwhile is in the replay buffer anyway.
        var rooms = Pid is not null && IsRecoverable(reason) ? Namespace.Adapter.GetSocketRooms(Id) : null;
        Namespace.Adapter.DeleteAll(Id);
        Namespace.RemoveSocket(this);
        _connection.RemoveSocket(this);
        if (rooms is not null)
        {
            PersistSession(rooms);
        }

        FailPendingAcks();
        CancelStreams();
        SocketIOLog.SocketDisconnected(Logger, Id, Namespace.Name, reason.ToWireString());
        Namespace.Server.Metrics.SocketDisconnected(Namespace, reason);
        Raise(Disconnected, reason);
    }

    /// <summary>socket.io's RECOVERABLE_DISCONNECT_REASONS: the client did not mean to leave, nor the server to send it away.</summary>
    private static bool IsRecoverable(SocketIODisconnectReason reason) => reason is SocketIODisconnectReason.TransportError
        or SocketIODisconnectReason.TransportClose or SocketIODisconnectReason.ForcedClose or SocketIODisconnectReason.PingTimeout
        or SocketIODisconnectReason.ServerShuttingDown or SocketIODisconnectReason.ForcedServerClose;

    /// <summary>The session of a socket that left unexpectedly, with the rooms it was in.</summary>
    private void PersistSession(IReadOnlyCollection<string> rooms)
    {
        try
        {
            Namespace.Adapter.PersistSession(new SocketIOSession
            {
                Id = Id,
                Pid = Pid!,
                Rooms = rooms,
                Data = Data,
                User = SocketIOSessionUser.Of(Handshake.User),
                DisconnectedAt = DateTimeOffset.UtcNow,
            });
        }
        catch (Exception ex)
        {
            // An adapter that cannot keep the session (a store unreachable) costs the client its recovery only.
            SocketIOLog.HandlerFailed(Logger, ex, "PersistSession", Id);
        }
    }

    private void FailPendingAcks()
    {
        PendingAck[] pending;
        lock (_acks)
        {
            pending = [.. _acks.Values];
            _acks.Clear();
        }

        foreach (var ack in pending)
        {
            ack.Fail(new SocketIODisconnectedException());
        }
    }

    void IPendingAckOwner.RemoveAck(long id, PendingAck expected)
    {
        lock (_acks)
        {
            if (_acks.TryGetValue(id, out var current) && current == expected)
            {
                _acks.Remove(id);
            }
        }
    }

    private void Raise(Action<SocketIOSocket, SocketIODisconnectReason>? handler, SocketIODisconnectReason reason)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var single in handler.GetInvocationList())
        {
            try
            {
                ((Action<SocketIOSocket, SocketIODisconnectReason>)single)(this, reason);
            }
            catch (Exception ex)
            {
                SocketIOLog.HandlerFailed(Logger, ex, "Disconnect", Id);
            }
        }
    }
}
