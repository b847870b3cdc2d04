using System.Collections.Concurrent;

namespace Typed.SocketIO;

/// <summary>
/// A namespace: its middleware, its connection handlers, its sockets and (through its <see cref="Adapter"/>) its
/// rooms. Broadcasting from here reaches its sockets; from a dynamic parent namespace, those of all its children.
/// </summary>
public sealed class SocketIONamespace
{
    private readonly ConcurrentDictionary<string, SocketIOSocket> _sockets = new(StringComparer.Ordinal);
    private readonly NamespaceHandlers _handlers;
    private readonly ConcurrentDictionary<string, SocketIONamespace>? _children;
    private long _nextAckId = -1;
    private ConcurrentDictionary<string, Func<SocketIOArguments, ValueTask<object?>>>? _serverSideHandlers;

    internal SocketIONamespace(SocketIOServer server, string name, SocketIONamespace? parent, bool isParent)
    {
        Server = server;
        Name = name;
        Parent = parent;
        _handlers = parent?._handlers ?? new NamespaceHandlers();
        _children = isParent ? new ConcurrentDictionary<string, SocketIONamespace>(StringComparer.Ordinal) : null;
        Adapter = server.Options.AdapterFactory?.Invoke(this) ?? new InMemorySocketIOAdapter(this);
    }

    /// <summary>Handlers shared by a dynamic parent and all its children.</summary>
    private sealed class NamespaceHandlers
    {
        public Func<SocketIOSocket, ValueTask>[] Middlewares = [];
        public Func<SocketIOSocket, ValueTask>[] ConnectionHandlers = [];
    }

    /// <summary>The namespace name, e.g. <c>/</c> or <c>/admin</c>.</summary>
    public string Name { get; }

    /// <summary>The server the namespace belongs to.</summary>
    public SocketIOServer Server { get; }

    /// <summary>Holds the namespace's rooms and delivers its broadcasts.</summary>
    public SocketIOAdapter Adapter { get; }

    /// <summary>For a child of a dynamic namespace, the parent whose handlers it uses.</summary>
    public SocketIONamespace? Parent { get; }

    /// <summary>The sockets connected to this namespace, by id.</summary>
    public IReadOnlyDictionary<string, SocketIOSocket> Sockets => _sockets;

    /// <summary>For a dynamic parent namespace, the children created so far, by name.</summary>
    public IReadOnlyDictionary<string, SocketIONamespace> Children =>
        (IReadOnlyDictionary<string, SocketIONamespace>?)_children ?? new Dictionary<string, SocketIONamespace>();

    internal Func<SocketIOSocket, ValueTask>[] Middlewares => System.Threading.Volatile.Read(ref _handlers.Middlewares);

    internal Func<SocketIOSocket, ValueTask>[] ConnectionHandlers => System.Threading.Volatile.Read(ref _handlers.ConnectionHandlers);

    internal bool IsParent => _children is not null;

    /// <summary>
    /// Adds a connection middleware. It runs, in order with the others, before a socket joins; throwing
    /// <see cref="SocketIOConnectionRejectedException"/> refuses it with that message and data.
    /// </summary>
    public SocketIONamespace Use(Func<SocketIOSocket, ValueTask> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        lock (_handlers)
        {
            _handlers.Middlewares = [.. _handlers.Middlewares, middleware];
        }

        return this;
    }

    /// <summary>Runs <paramref name="handler"/> for every socket that connects, before any of its events.</summary>
    public SocketIONamespace OnConnection(Func<SocketIOSocket, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlers)
        {
            _handlers.ConnectionHandlers = [.. _handlers.ConnectionHandlers, handler];
        }

        return this;
    }

    /// <summary>Runs a synchronous <paramref name="handler"/> for every socket that connects.</summary>
    public SocketIONamespace OnConnection(Action<SocketIOSocket> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnConnection(socket =>
        {
            handler(socket);
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>A broadcast to every socket of the namespace.</summary>
    public SocketIOBroadcastOperator All => new(this);

    /// <summary>A broadcast to the sockets in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator To(string room) => All.To(room);

    /// <summary>Same as <see cref="To"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => All.To(room);

    /// <summary>A broadcast to every socket except those in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => All.Except(room);

    /// <summary>A broadcast that is dropped for recipients that cannot take it now.</summary>
    public SocketIOBroadcastOperator Volatile => All.Volatile;

    /// <summary>A broadcast to this server's sockets only.</summary>
    public SocketIOBroadcastOperator Local => All.Local;

    /// <summary>A broadcast whose acknowledgements are awaited for at most <paramref name="timeout"/>.</summary>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => All.Timeout(timeout);

    /// <summary>Emits to every socket of the namespace.</summary>
    public void Emit(string eventName, params object?[] args) => All.Emit(eventName, args);

    /// <summary>Emits to every socket and collects their acknowledgements (see <see cref="SocketIOBroadcastOperator.EmitWithAckAsync"/>).</summary>
    public Task<IReadOnlyList<SocketIOArguments>> EmitWithAckAsync(string eventName, params object?[] args) => All.EmitWithAckAsync(eventName, args);

    /// <summary>The namespace's sockets.</summary>
    public ValueTask<IReadOnlyList<IRemoteSocket>> FetchSocketsAsync() => All.FetchSocketsAsync();

    /// <summary>Makes every socket join <paramref name="rooms"/>.</summary>
    public void SocketsJoin(params string[] rooms) => All.SocketsJoin(rooms);

    /// <summary>Makes every socket leave <paramref name="rooms"/>.</summary>
    public void SocketsLeave(params string[] rooms) => All.SocketsLeave(rooms);

    /// <summary>Disconnects every socket; <paramref name="close"/> also closes their connections.</summary>
    public void DisconnectSockets(bool close = false) => All.DisconnectSockets(close);

    /// <summary>
    /// Sends <paramref name="eventName"/> to the handlers registered with <see cref="OnServerSideEmit(string, Action{SocketIOArguments})"/>
    /// on every other server of the cluster (socket.io's <c>serverSideEmit</c>); with one server, nothing happens.
    /// Arguments cross servers as JSON: no binary.
    /// </summary>
    public void ServerSideEmit(string eventName, params object?[] args) =>
        Adapter.ServerSideEmit(SocketIOEmitter.CreateEvent(this, eventName, args, ackId: null));

    /// <summary>
    /// Sends a server-side event every other server acknowledges (socket.io's <c>serverSideEmitWithAck</c>): the
    /// answers, one argument each, or <see cref="SocketIOAckTimeoutException"/> with those that arrived within the
    /// adapter's request timeout.
    /// </summary>
    public Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(string eventName, params object?[] args) =>
        Adapter.ServerSideEmitWithAckAsync(SocketIOEmitter.CreateEvent(this, eventName, args, ackId: null));

    /// <summary>How many servers share this namespace, this one included (1 without a multi-server adapter).</summary>
    public ValueTask<int> ServerCountAsync() => Adapter.ServerCountAsync();

    /// <summary>
    /// Handles the server-side event <paramref name="eventName"/> another server sends with <see cref="ServerSideEmit"/>
    /// or <see cref="ServerSideEmitWithAckAsync"/>; the result is the acknowledgement when the sender asked for one.
    /// One handler per event: a second registration replaces the first.
    /// </summary>
    public SocketIONamespace OnServerSideEmit(string eventName, Func<SocketIOArguments, ValueTask<object?>> handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        var handlers = LazyInitializer.EnsureInitialized(ref _serverSideHandlers, static () => new(StringComparer.Ordinal));
        handlers[eventName] = handler;
        return this;
    }

    /// <summary>Handles the server-side event <paramref name="eventName"/>; acknowledges with null when asked to.</summary>
    public SocketIONamespace OnServerSideEmit(string eventName, Action<SocketIOArguments> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return OnServerSideEmit(eventName, arguments =>
        {
            handler(arguments);
            return new ValueTask<object?>((object?)null);
        });
    }

    /// <summary>Runs the server-side handler of <paramref name="eventName"/>: the JSON of its result, null without one.</summary>
    internal async ValueTask<byte[]?> DispatchServerSideEmitAsync(string eventName, SocketIOArguments arguments)
    {
        var handlers = _serverSideHandlers ?? Parent?._serverSideHandlers;
        if (handlers is null || !handlers.TryGetValue(eventName, out var handler))
        {
            return null;
        }

        var result = await handler(arguments).ConfigureAwait(false);

        // Serialized as an emit argument is, so the same types work; the packet's second element is the value.
        var packet = SocketIOEmitter.CreateEvent(this, "ack", [result], ackId: null);
        return SocketIOArguments.FromEvent(packet).GetRawJson(0).ToArray();
    }

    /// <summary>Finds a connected socket by id.</summary>
    public bool TryGetSocket(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SocketIOSocket? socket) =>
        _sockets.TryGetValue(id, out socket);

    /// <summary>The namespaces a broadcast from here reaches: this one, or a parent's children.</summary>
    internal IEnumerable<SocketIONamespace> BroadcastTargets => _children is null ? [this] : _children.Values;

    /// <summary>Ack ids of server emits: per namespace, from 0, kept below 2^53 so JavaScript holds them exactly.</summary>
    internal long NextAckId() => Interlocked.Increment(ref _nextAckId) & SocketIOPacketRules.MaxAckId;

    internal void AddSocket(SocketIOSocket socket)
    {
        _sockets[socket.Id] = socket;
        Server.Metrics.SocketAdded(this);
    }

    internal void RemoveSocket(SocketIOSocket socket)
    {
        if (_sockets.TryRemove(new KeyValuePair<string, SocketIOSocket>(socket.Id, socket)))
        {
            Server.Metrics.SocketRemoved(this);
        }

        RemoveIfEmptyChild();
    }

    /// <summary>
    /// A dynamic child with no socket goes away when cleanup is on: after its last socket leaves, and after a CONNECT
    /// that created it was refused (otherwise refused clients could use up <see cref="SocketIOOptions.MaxChildNamespaces"/>).
    /// </summary>
    internal void RemoveIfEmptyChild()
    {
        if (Parent is not null && _sockets.IsEmpty && Server.Options.CleanupEmptyChildNamespaces)
        {
            Parent.RemoveChild(this);
        }
    }

    internal SocketIONamespace? GetOrAddChild(string name)
    {
        var children = _children!;
        if (children.TryGetValue(name, out var existing))
        {
            return existing;
        }

        if (children.Count >= Server.Options.MaxChildNamespaces)
        {
            return null;
        }

        return children.GetOrAdd(name, static (childName, parent) => new SocketIONamespace(parent.Server, childName, parent, isParent: false), this);
    }

    private void RemoveChild(SocketIONamespace child)
    {
        // Only if still empty: a socket may have joined between the check and here.
        if (child._sockets.IsEmpty)
        {
            _children?.TryRemove(new KeyValuePair<string, SocketIONamespace>(child.Name, child));
        }
    }
}
