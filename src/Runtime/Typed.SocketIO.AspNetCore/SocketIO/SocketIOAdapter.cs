namespace Typed.SocketIO;

/// <summary>
/// Owns a namespace's rooms and delivers its broadcasts. <see cref="InMemorySocketIOAdapter"/> serves one server; a
/// multi-server adapter (Redis…) derives from it, forwards what it must to the other servers, and lets the base
/// class deliver locally — the namespace code never changes.
/// </summary>
public abstract class SocketIOAdapter
{
    /// <summary>Creates the adapter of <paramref name="ns"/>.</summary>
    protected SocketIOAdapter(SocketIONamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        Namespace = ns;
    }

    /// <summary>The namespace whose rooms this adapter holds.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>Adds socket <paramref name="socketId"/> to <paramref name="rooms"/>.</summary>
    public abstract void AddAll(string socketId, IEnumerable<string> rooms);

    /// <summary>Removes socket <paramref name="socketId"/> from <paramref name="room"/>; an emptied room disappears.</summary>
    public abstract void Delete(string socketId, string room);

    /// <summary>Removes socket <paramref name="socketId"/> from every room.</summary>
    public abstract void DeleteAll(string socketId);

    /// <summary>The rooms socket <paramref name="socketId"/> is in.</summary>
    public abstract IReadOnlyCollection<string> GetSocketRooms(string socketId);

    /// <summary>The ids of the sockets in any of <paramref name="rooms"/> (all sockets when empty).</summary>
    public abstract IReadOnlyCollection<string> GetSockets(IReadOnlyCollection<string> rooms);

    /// <summary>Delivers <paramref name="packet"/> to every socket <paramref name="options"/> select, encoding it once.</summary>
    public abstract void Broadcast(SocketIOPacket packet, SocketIOBroadcastOptions options);

    /// <summary>
    /// Delivers a packet that asks for acknowledgements: <paramref name="onRecipients"/> is told how many sockets
    /// were reached (possibly more than once, as servers answer), <paramref name="onResponse"/> gets each ack.
    /// </summary>
    public abstract void BroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, Action<int> onRecipients, Action<SocketIOArguments> onResponse);

    /// <summary>The sockets <paramref name="options"/> select.</summary>
    public abstract ValueTask<IReadOnlyList<IRemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options);

    /// <summary>Makes the selected sockets join <paramref name="rooms"/>.</summary>
    public abstract void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Makes the selected sockets leave <paramref name="rooms"/>.</summary>
    public abstract void DeleteSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms);

    /// <summary>Disconnects the selected sockets; <paramref name="close"/> also closes their connections.</summary>
    public abstract void DisconnectSockets(SocketIOBroadcastOptions options, bool close);

    /// <summary>
    /// Sends a server-side event (<see cref="SocketIOPacket.Data"/> is the JSON array <c>[event, ...args]</c>) to the
    /// namespace's handlers on every <em>other</em> server. One server has no other: nothing to do.
    /// </summary>
    public virtual void ServerSideEmit(SocketIOPacket packet)
    {
    }

    /// <summary>
    /// Sends a server-side event that every other server acknowledges once; completes with their answers (one argument
    /// each), or fails with <see cref="SocketIOAckTimeoutException"/> holding those that arrived in time. One server:
    /// no answer to wait for.
    /// </summary>
    public virtual Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(SocketIOPacket packet) =>
        Task.FromResult<IReadOnlyList<SocketIOArguments>>([]);

    /// <summary>How many servers share the namespace, this one included.</summary>
    public virtual ValueTask<int> ServerCountAsync() => new(1);

    /// <summary>
    /// A fresh acknowledgement id of the namespace, for a broadcast with acknowledgements another server asked for
    /// (its packet carries no id, or one from that server's counter that may collide with this one's).
    /// </summary>
    protected long NextAckId() => Namespace.NextAckId();

    /// <summary>
    /// Runs the handler <see cref="SocketIONamespace.OnServerSideEmit(string, Func{SocketIOArguments, ValueTask{object}})"/>
    /// registered for <paramref name="eventName"/> with a server-side event another server sent. Returns the JSON of the
    /// handler's result (the acknowledgement, when the sender asked for one), or null when no handler is registered.
    /// </summary>
    protected ValueTask<byte[]?> DispatchServerSideEmitAsync(string eventName, SocketIOArguments arguments) =>
        Namespace.DispatchServerSideEmitAsync(eventName, arguments);

    // Connection state recovery (docs/recovery.md). The seam is three members and two helpers: a socket that left
    // unexpectedly is persisted, a reconnecting client takes its session back, and the adapter restores it, replaying
    // what it missed. An adapter that keeps nothing (the defaults) simply never recovers a socket.

    /// <summary>
    /// Keeps the session of a socket that left unexpectedly, for
    /// <see cref="SocketIOConnectionStateRecoveryOptions.MaxDisconnectionDuration"/>. Called only when recovery is on.
    /// The default keeps nothing.
    /// </summary>
    public virtual void PersistSession(SocketIOSession session)
    {
    }

    /// <summary>
    /// Takes the session <paramref name="pid"/> back, once only (a second call with the same pid gets null): null when
    /// unknown, expired, or when the packets it missed after <paramref name="offset"/> can no longer all be replayed.
    /// The default has none.
    /// </summary>
    public virtual ValueTask<SocketIOSession?> TakeSessionAsync(string pid, string offset) => new((SocketIOSession?)null);

    /// <summary>
    /// Restores a taken session on <paramref name="socket"/> (already carrying its id): queues the packets it missed
    /// after <paramref name="offset"/> to it, in order, and joins it to <see cref="SocketIOSession.Rooms"/>, atomically
    /// with respect to <see cref="Broadcast"/>, so that every packet reaches it exactly once, by replay or live. False
    /// when that is no longer possible (the socket is then refused). The default returns false.
    /// </summary>
    public virtual bool TryRestoreSession(SocketIOSocket socket, SocketIOSession session, string offset) => false;

    /// <summary>
    /// Whether a broadcast is kept for replay and numbered: an EVENT without acknowledgement that is not volatile
    /// (socket.io's rule: an acknowledgement cannot be restored, a volatile packet may be lost anyway).
    /// </summary>
    protected static bool IsReplayable(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent && packet.AckId is null && !options.Volatile;
    }

    /// <summary>The same event with <paramref name="offset"/> appended as its last argument, where clients read it.</summary>
    protected static SocketIOPacket WithOffset(SocketIOPacket packet, string offset)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(offset);
        return Internal.OffsetAppender.Append(packet, offset);
    }
}
