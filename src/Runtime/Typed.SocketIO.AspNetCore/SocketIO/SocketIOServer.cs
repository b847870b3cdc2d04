using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Typed.SocketIO;

/// <summary>
/// The Socket.IO server: its namespaces and, for the main namespace <c>/</c>, the broadcast shortcuts
/// (<c>io.emit</c>, <c>io.to(room)</c>…). Registered as a singleton by <c>AddSocketIO</c>, so controllers and
/// background services can emit through it; <c>MapSocketIO</c> puts it on an endpoint.
/// </summary>
public sealed class SocketIOServer
{
    private readonly ConcurrentDictionary<string, SocketIONamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketIOConnection, byte> _connections = new();
    private (Func<string, JsonElement, ValueTask<bool>> Matches, SocketIONamespace Parent)[] _dynamic = [];
    private int _nextParentId;
    private readonly Timer? _recoverySweep;
    private TaskCompletionSource? _closed;

    /// <summary>Creates the server (normally through dependency injection).</summary>
    public SocketIOServer(IOptions<SocketIOOptions> options, ILoggerFactory? loggerFactory = null)
        : this(options, loggerFactory, new SocketIOServerMetrics(meterFactory: null))
    {
    }

    /// <summary>The server <c>AddSocketIO</c> registers: its instruments come from the application's IMeterFactory.</summary>
    internal SocketIOServer(IOptions<SocketIOOptions> options, ILoggerFactory? loggerFactory, SocketIOServerMetrics metrics)
    {
        Metrics = metrics;
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Options.ValidateQueueLimits();
        Logger = loggerFactory?.CreateLogger("Typed.SocketIO") ?? NullLogger.Instance;
        Parser = SocketIOParsers.Get(Options.Parser);
        ParserLimits = Options.CreateParserLimits();
        Of("/");
        if (Options.ConnectionStateRecovery is { } recovery)
        {
            // One timer for every namespace's sessions, not one per session; it holds the server weakly, and the
            // server holds it, so a server that is no longer used takes its timer with it.
            var period = TimeSpan.FromTicks(Math.Clamp(recovery.MaxDisconnectionDuration.Ticks / 2, TimeSpan.TicksPerSecond / 4, TimeSpan.TicksPerMinute));
            _recoverySweep = new Timer(static state => SweepRecovery((WeakReference<SocketIOServer>)state!), new WeakReference<SocketIOServer>(this), period, period);
        }
    }

    /// <summary>The options the server runs with.</summary>
    public SocketIOOptions Options { get; }

    /// <summary>The main namespace, <c>/</c>.</summary>
    public SocketIONamespace MainNamespace => _namespaces["/"];

    internal ILogger Logger { get; }

    /// <summary>The application's services, when the server came from <c>AddSocketIO</c> (authorization needs them).</summary>
    internal IServiceProvider? Services { get; init; }

    /// <summary>Names each socket's user when it connects (<see cref="ISocketIOUserIdProvider"/>).</summary>
    internal ISocketIOUserIdProvider UserIdProvider { get; init; } = NameIdentifierUserIdProvider.Instance;

    internal ISocketIOParser Parser { get; }

    internal SocketIOParserLimits ParserLimits { get; }

    /// <summary>The server's instruments (docs/telemetry.md).</summary>
    internal SocketIOServerMetrics Metrics { get; }

    /// <summary>Events not served (unknown, unbound, failed), for telemetry.</summary>
    internal SocketIOEventCounters Counters { get; } = new();

    /// <summary>The namespace <paramref name="name"/>, created on first use (a missing leading <c>/</c> is added).</summary>
    public SocketIONamespace Of(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name[0] != '/')
        {
            name = "/" + name;
        }

        return _namespaces.GetOrAdd(name, static (key, server) => new SocketIONamespace(server, key, parent: null, isParent: false), this);
    }

    /// <summary>
    /// A dynamic namespace: every name <paramref name="matches"/> accepts becomes a child namespace when a client
    /// first connects to it, sharing the parent's middleware and connection handlers. Children are capped by
    /// <see cref="SocketIOOptions.MaxChildNamespaces"/> and removed when empty (<see cref="SocketIOOptions.CleanupEmptyChildNamespaces"/>).
    /// </summary>
    public SocketIONamespace Of(Func<string, bool> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        return Of((name, _) => ValueTask.FromResult(matches(name)));
    }

    /// <summary>
    /// A dynamic namespace decided per CONNECT, possibly asynchronously (socket.io's <c>io.of((name, auth, next) =&gt; …)</c>):
    /// <paramref name="matches"/> gets the namespace name and the CONNECT's auth payload (an empty object when the
    /// client sent none) and answers whether that name is a child of this namespace. A false answer (or an exception,
    /// logged) leaves the name to the next dynamic namespace, and the client is refused with <c>Invalid namespace</c>
    /// when none accepts it. It runs for every CONNECT to a name that is not an existing static namespace, so it should
    /// be quick; the CONNECT waits for it.
    /// </summary>
    public SocketIONamespace Of(Func<string, JsonElement, ValueTask<bool>> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var parent = new SocketIONamespace(this, "/_" + Interlocked.Increment(ref _nextParentId), parent: null, isParent: true);
        lock (_namespaces)
        {
            _dynamic = [.. _dynamic, (matches, parent)];
        }

        return parent;
    }

    /// <summary>A dynamic namespace whose children are the names <paramref name="pattern"/> matches.</summary>
    public SocketIONamespace Of(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Of(pattern.IsMatch);
    }

    /// <summary>Emits to every socket of <c>/</c>.</summary>
    public void Emit(string eventName, params object?[] args) => MainNamespace.Emit(eventName, args);

    /// <summary>A broadcast to the sockets of <c>/</c> in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator To(string room) => MainNamespace.To(room);

    /// <summary>Same as <see cref="To"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => MainNamespace.To(room);

    /// <summary>A broadcast to the sockets of <c>/</c> except those in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator Except(string room) => MainNamespace.Except(room);

    /// <summary>A volatile broadcast on <c>/</c>.</summary>
    public SocketIOBroadcastOperator Volatile => MainNamespace.Volatile;

    /// <summary>A broadcast on <c>/</c> to this server's sockets only.</summary>
    public SocketIOBroadcastOperator Local => MainNamespace.Local;

    /// <summary>A broadcast on <c>/</c> whose acknowledgements are awaited for at most <paramref name="timeout"/>.</summary>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => MainNamespace.Timeout(timeout);

    /// <summary>The sockets of <c>/</c>.</summary>
    public ValueTask<IReadOnlyList<IRemoteSocket>> FetchSocketsAsync() => MainNamespace.FetchSocketsAsync();

    /// <summary>Makes every socket of <c>/</c> join <paramref name="rooms"/>.</summary>
    public void SocketsJoin(params string[] rooms) => MainNamespace.SocketsJoin(rooms);

    /// <summary>Makes every socket of <c>/</c> leave <paramref name="rooms"/>.</summary>
    public void SocketsLeave(params string[] rooms) => MainNamespace.SocketsLeave(rooms);

    /// <summary>Disconnects every socket of <c>/</c>.</summary>
    public void DisconnectSockets(bool close = false) => MainNamespace.DisconnectSockets(close);

    /// <summary>
    /// Closes the server, as socket.io's <c>io.close()</c>: every socket of every namespace leaves with
    /// <c>server shutting down</c> (the client is not told to stay away, so a reconnecting client retries), every
    /// Engine.IO session closes, and from now on the endpoint refuses handshakes (HTTP 503, <c>Server closed</c>).
    /// Completes once every connection has closed. Closing again does nothing more and waits for the same. The
    /// endpoint stays mapped: stop the host to release the port.
    /// </summary>
    public Task CloseAsync(CancellationToken cancellationToken = default)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = Interlocked.CompareExchange(ref _closed, closed, null);
        if (current is null)
        {
            CloseAll();
            CompleteCloseIfDrained();
            current = closed;
        }

        return current.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Whether <see cref="CloseAsync"/> was called: no new session is accepted.</summary>
    internal bool IsClosed => System.Threading.Volatile.Read(ref _closed) is not null;

    /// <summary>The namespace a CONNECT names: a static one, or a child of a matching dynamic one (null when none).</summary>
    internal async ValueTask<SocketIONamespace?> ResolveAsync(string name, JsonElement auth)
    {
        if (_namespaces.TryGetValue(name, out var ns))
        {
            return ns;
        }

        foreach (var (matches, parent) in System.Threading.Volatile.Read(ref _dynamic))
        {
            bool matched;
            try
            {
                matched = await matches(name, auth).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The application's predicate failed: that name is not this namespace's, as a false answer.
                SocketIOLog.HandlerFailed(Logger, ex, "dynamic namespace predicate", name);
                matched = false;
            }

            if (matched)
            {
                return parent.GetOrAddChild(name);
            }
        }

        return null;
    }

    private static void SweepRecovery(WeakReference<SocketIOServer> reference)
    {
        if (!reference.TryGetTarget(out var server))
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var ns in server._namespaces.Values)
        {
            (ns.Adapter as InMemorySocketIOAdapter)?.SweepRecovery(now);
        }

        foreach (var (_, parent) in System.Threading.Volatile.Read(ref server._dynamic))
        {
            foreach (var child in parent.Children.Values)
            {
                (child.Adapter as InMemorySocketIOAdapter)?.SweepRecovery(now);
            }
        }
    }

    internal void AddConnection(SocketIOConnection connection)
    {
        _connections.TryAdd(connection, 0);
        if (IsClosed)
        {
            // A session whose handshake passed just before CloseAsync: closed like the others.
            connection.Close(SocketIODisconnectReason.ServerShuttingDown);
        }
    }

    internal void RemoveConnection(SocketIOConnection connection)
    {
        _connections.TryRemove(connection, out _);
        CompleteCloseIfDrained();
    }

    private void CompleteCloseIfDrained()
    {
        if (System.Threading.Volatile.Read(ref _closed) is { } closed && _connections.IsEmpty)
        {
            closed.TrySetResult();
        }
    }

    /// <summary>On shutdown: every socket leaves with <c>server shutting down</c> and its connection closes.</summary>
    internal void CloseAll()
    {
        foreach (var connection in _connections.Keys)
        {
            connection.Close(SocketIODisconnectReason.ServerShuttingDown);
        }
    }
}
