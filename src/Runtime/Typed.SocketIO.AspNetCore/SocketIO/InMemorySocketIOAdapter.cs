namespace Typed.SocketIO;

/// <summary>The adapter of a single server: rooms in memory, broadcasts to this server's sockets.</summary>
public class InMemorySocketIOAdapter : SocketIOAdapter
{
    private readonly object _gate = new();

    // Membership by reference: each room holds its members' entries, each entry its local socket, so a broadcast
    // walks sockets without a dictionary lookup per recipient. _all is every entry (the namespace-wide broadcast).
    private readonly Dictionary<string, RoomMembers> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoomMember> _members = new(StringComparer.Ordinal);
    private readonly RoomMembers _all = new();
    private readonly RecoveryBuffer? _recovery;

    /// <summary>Creates the adapter of <paramref name="ns"/>.</summary>
    public InMemorySocketIOAdapter(SocketIONamespace ns)
        : base(ns)
    {
        _recovery = ns.Server.Options.ConnectionStateRecovery is { } recovery ? new RecoveryBuffer(recovery) : null;
    }

    /// <inheritdoc />
    public override void AddAll(string socketId, IEnumerable<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        ArgumentNullException.ThrowIfNull(rooms);

        // Looked up once per join, not per broadcast. The namespace registers a socket before it joins any room.
        Namespace.TryGetSocket(socketId, out var socket);
        lock (_gate)
        {
            if (!_members.TryGetValue(socketId, out var member))
            {
                _members[socketId] = member = new RoomMember(socketId);
                _all.Add_Locked(member);
            }

            if (socket is not null && !ReferenceEquals(member.Socket, socket))
            {
                // A new socket with the id of one still listed (a restored session): every snapshot naming the old
                // one is stale.
                member.Socket = socket;
                _all.Invalidate_Locked();
                foreach (var joinedRoom in member.Rooms)
                {
                    _rooms[joinedRoom].Invalidate_Locked();
                }
            }

            foreach (var room in rooms)
            {
                if (member.Rooms.Add(room))
                {
                    if (!_rooms.TryGetValue(room, out var members))
                    {
                        _rooms[room] = members = new RoomMembers();
                    }

                    members.Add_Locked(member);
                }
            }
        }
    }

    /// <inheritdoc />
    public override void Delete(string socketId, string room)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        ArgumentNullException.ThrowIfNull(room);
        lock (_gate)
        {
            if (_members.TryGetValue(socketId, out var member) && member.Rooms.Remove(room))
            {
                RemoveMember_Locked(room, member);
            }
        }
    }

    /// <inheritdoc />
    public override void DeleteAll(string socketId)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        lock (_gate)
        {
            if (!_members.Remove(socketId, out var member))
            {
                return;
            }

            _all.Remove_Locked(member);
            foreach (var room in member.Rooms)
            {
                RemoveMember_Locked(room, member);
            }
        }
    }

    /// <inheritdoc />
    public override IReadOnlyCollection<string> GetSocketRooms(string socketId)
    {
        ArgumentNullException.ThrowIfNull(socketId);
        lock (_gate)
        {
            return _members.TryGetValue(socketId, out var member) ? [.. member.Rooms] : [];
        }
    }

    /// <inheritdoc />
    public override IReadOnlyCollection<string> GetSockets(IReadOnlyCollection<string> rooms)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        lock (_gate)
        {
            if (rooms.Count == 0)
            {
                return [.. _members.Keys];
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var room in rooms)
            {
                if (_rooms.TryGetValue(room, out var members))
                {
                    foreach (var member in members.Members)
                    {
                        ids.Add(member.Id);
                    }
                }
            }

            return [.. ids];
        }
    }

    /// <inheritdoc />
    public override void Broadcast(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (_recovery is { } recovery && IsReplayable(packet, options))
        {
            BroadcastReplayable(recovery, packet, options);
            return;
        }

        var recipients = SelectRecipients(options);
        if (recipients.Sockets.Length == 0)
        {
            return;
        }

        // Encoded once; every recipient queues the same immutable bytes.
        var encoded = new List<EngineIOOutgoingPacket>(1 + packet.Attachments.Count);
        Namespace.Server.Parser.Encode(packet, encoded);
        ShareFrames(encoded, recipients.Sockets.Length);
        var delivered = WriteToAll(recipients, encoded, options.Volatile);
        Namespace.Server.Metrics.BroadcastDelivered(Namespace, delivered);
    }

    /// <summary>
    /// With more than one recipient, each text packet's WebSocket frame is built once here and written as it is to
    /// every idle WebSocket recipient (polling recipients read the same payload).
    /// </summary>
    private static void ShareFrames(List<EngineIOOutgoingPacket> encoded, int recipients)
    {
        if (recipients > 1)
        {
            Typed.EngineIO.Internal.SharedWebSocketFrame.ShareFrames(encoded);
        }
    }

    /// <summary>Queues <paramref name="encoded"/> on every recipient; returns how many there were.</summary>
    private static int WriteToAll(BroadcastRecipients recipients, List<EngineIOOutgoingPacket> encoded, bool isVolatile)
    {
        var delivered = 0;
        foreach (var socket in recipients.Sockets)
        {
            if (!recipients.IsExcluded(socket))
            {
                socket.WriteEncoded(encoded, isVolatile);
                delivered++;
            }
        }

        return delivered;
    }

    /// <summary>
    /// Delivers <paramref name="packet"/> to the local sockets <paramref name="options"/> select, as it is: never
    /// numbered nor kept for replay, whatever <see cref="SocketIOOptions.ConnectionStateRecovery"/> says. For an adapter
    /// that numbers replayable packets itself (the Redis streams adapter numbers them with the stream's entry ids).
    /// </summary>
    protected void DeliverUnnumbered(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var recipients = Select(options);
        if (recipients.Count == 0)
        {
            return;
        }

        var encoded = new List<EngineIOOutgoingPacket>(1 + packet.Attachments.Count);
        Namespace.Server.Parser.Encode(packet, encoded);
        Namespace.Server.Metrics.BroadcastDelivered(Namespace, recipients.Count);
        foreach (var socket in recipients)
        {
            socket.WriteEncoded(encoded, options.Volatile);
        }
    }

    /// <summary>
    /// Queues <paramref name="packet"/> to one socket as it is (a replayed packet that already carries its offset), for
    /// an adapter that restores sessions itself.
    /// </summary>
    protected static void DeliverUnnumbered(SocketIOSocket socket, SocketIOPacket packet)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(packet);
        socket.WritePacket(packet, isVolatile: false);
    }

    /// <summary>
    /// With recovery on: numbered, kept and delivered under the buffer's lock, so a restore (which takes the same lock)
    /// sees each packet either in the buffer or, once it has rejoined, live, never both nor neither; and every
    /// recipient receives the packets in offset order.
    /// </summary>
    private void BroadcastReplayable(RecoveryBuffer recovery, SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        int delivered;
        lock (recovery.Gate)
        {
            var numbered = WithOffset(packet, RecoveryBuffer.FormatOffset(recovery.NextSequence));
            var encoded = new List<EngineIOOutgoingPacket>(1 + numbered.Attachments.Count);
            Namespace.Server.Parser.Encode(numbered, encoded);
            var recipients = SelectRecipients(options);
            ShareFrames(encoded, recipients.Sockets.Length);
            recovery.Append(encoded, options);
            delivered = WriteToAll(recipients, encoded, isVolatile: false);
        }

        // Counted as the unnumbered broadcast is, a socket's own emit included (a broadcast to its room), outside
        // the lock every replayable broadcast of the namespace takes.
        Namespace.Server.Metrics.BroadcastDelivered(Namespace, delivered);
    }

    /// <inheritdoc />
    public override void PersistSession(SocketIOSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_recovery is { } recovery)
        {
            lock (recovery.Gate)
            {
                recovery.Persist(session);
            }
        }
    }

    /// <inheritdoc />
    public override ValueTask<SocketIOSession?> TakeSessionAsync(string pid, string offset)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(offset);
        if (_recovery is not { } recovery)
        {
            return new((SocketIOSession?)null);
        }

        SocketIOSession? session;
        string? reason;
        lock (recovery.Gate)
        {
            session = recovery.Take(pid, offset, DateTimeOffset.UtcNow, out reason);
        }

        if (reason is not null)
        {
            ConnectionStateRecoveryLog.NotRecovered(Namespace.Server.Logger, Namespace.Name, reason);
        }

        return new(session);
    }

    /// <inheritdoc />
    public override bool TryRestoreSession(SocketIOSocket socket, SocketIOSession session, string offset)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(offset);
        if (_recovery is not { } recovery)
        {
            return false;
        }

        int missedCount;
        lock (recovery.Gate)
        {
            if (!recovery.TryCollect(session.Rooms, offset, out var missed, out _))
            {
                return false;
            }

            // Queued before the socket is in any room: no live packet can overtake the replay.
            foreach (var encoded in missed)
            {
                socket.WriteEncoded(encoded, isVolatile: false);
            }

            AddAll(socket.Id, session.Rooms.Count > 0 ? session.Rooms : [socket.Id]);
            missedCount = missed.Count;
        }

        // Each replayed packet is an event written to this socket alone, as the streams adapter's replay counts it.
        Namespace.Server.Metrics.EventsSent(Namespace, missedCount);

        ConnectionStateRecoveryLog.Recovered(Namespace.Server.Logger, socket.Id, Namespace.Name, missedCount);
        return true;
    }

    /// <summary>Forgets expired sessions and packets; the server's one recovery timer calls it.</summary>
    internal void SweepRecovery(DateTimeOffset now)
    {
        if (_recovery is { } recovery)
        {
            lock (recovery.Gate)
            {
                recovery.Sweep(now);
            }
        }
    }

    /// <summary>For tests: the sessions and packets kept for recovery.</summary>
    internal (int Sessions, int Packets) RecoveryCounts
    {
        get
        {
            if (_recovery is not { } recovery)
            {
                return (0, 0);
            }

            lock (recovery.Gate)
            {
                return (recovery.SessionCount, recovery.PacketCount);
            }
        }
    }

    /// <inheritdoc />
    public override void BroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, Action<int> onRecipients, Action<SocketIOArguments> onResponse)
    {
        ArgumentNullException.ThrowIfNull(onRecipients);
        ArgumentNullException.ThrowIfNull(onResponse);
        var ackId = packet.AckId ?? throw new ArgumentException("A broadcast with acknowledgements needs an ack id.", nameof(packet));
        var recipients = Select(options);
        onRecipients(recipients.Count);
        if (recipients.Count == 0)
        {
            return;
        }

        var encoded = new List<EngineIOOutgoingPacket>(1 + packet.Attachments.Count);
        Namespace.Server.Parser.Encode(packet, encoded);
        ShareFrames(encoded, recipients.Count);
        Namespace.Server.Metrics.BroadcastDelivered(Namespace, recipients.Count);
        foreach (var socket in recipients)
        {
            socket.RegisterBroadcastAck(ackId, onResponse, options.AckTimeout);
            socket.WriteEncoded(encoded, options.Volatile);
        }
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<IRemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options) =>
        new(Select(options).ConvertAll(static socket => (IRemoteSocket)socket));

    /// <inheritdoc />
    public override void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Select(options))
        {
            socket.Join(rooms);
        }
    }

    /// <inheritdoc />
    public override void DeleteSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        foreach (var socket in Select(options))
        {
            foreach (var room in rooms)
            {
                socket.Leave(room);
            }
        }
    }

    /// <inheritdoc />
    public override void DisconnectSockets(SocketIOBroadcastOptions options, bool close)
    {
        foreach (var socket in Select(options))
        {
            socket.Disconnect(close);
        }
    }

    /// <summary>The local sockets <paramref name="options"/> select.</summary>
    protected List<SocketIOSocket> Select(SocketIOBroadcastOptions options)
    {
        var recipients = SelectRecipients(options);
        var sockets = new List<SocketIOSocket>(recipients.Sockets.Length);
        foreach (var socket in recipients.Sockets)
        {
            if (!recipients.IsExcluded(socket))
            {
                sockets.Add(socket);
            }
        }

        return sockets;
    }

    /// <summary>
    /// The local sockets <paramref name="options"/> select, without copying: a room's (or the namespace's) cached
    /// array and the sockets to skip. Only a union of several rooms builds an array, once per broadcast.
    /// </summary>
    private BroadcastRecipients SelectRecipients(SocketIOBroadcastOptions options)
    {
        var rooms = options.Rooms ?? [];
        var except = options.Except ?? [];
        lock (_gate)
        {
            SocketIOSocket? exceptOne = null;
            HashSet<SocketIOSocket>? excluded = null;
            foreach (var room in except)
            {
                if (!_rooms.TryGetValue(room, out var members))
                {
                    continue;
                }

                // The members themselves, not the room's snapshot: an excepted room (a socket's own, for
                // socket.broadcast) is often never broadcast to, and needs no cached array.
                foreach (var member in members.Members)
                {
                    if (member.Socket is not { } socket)
                    {
                        continue;
                    }

                    if (exceptOne is null && excluded is null)
                    {
                        exceptOne = socket;
                    }
                    else if (!ReferenceEquals(socket, exceptOne))
                    {
                        excluded ??= new HashSet<SocketIOSocket>(ReferenceEqualityComparer.Instance) { exceptOne! };
                        excluded.Add(socket);
                    }
                }
            }

            if (excluded is not null)
            {
                exceptOne = null;
            }

            if (rooms.Count == 0)
            {
                return new BroadcastRecipients(_all.Sockets_Locked(), exceptOne, excluded);
            }

            if (rooms.Count == 1)
            {
                foreach (var room in rooms)
                {
                    return _rooms.TryGetValue(room, out var members)
                        ? new BroadcastRecipients(members.Sockets_Locked(), exceptOne, excluded)
                        : BroadcastRecipients.None;
                }
            }

            // A socket in several of the rooms gets the packet once.
            var seen = new HashSet<SocketIOSocket>(ReferenceEqualityComparer.Instance);
            var union = new List<SocketIOSocket>();
            foreach (var room in rooms)
            {
                if (_rooms.TryGetValue(room, out var members))
                {
                    foreach (var socket in members.Sockets_Locked())
                    {
                        if (seen.Add(socket))
                        {
                            union.Add(socket);
                        }
                    }
                }
            }

            return new BroadcastRecipients([.. union], exceptOne, excluded);
        }
    }

    private void RemoveMember_Locked(string room, RoomMember member)
    {
        if (_rooms.TryGetValue(room, out var members) && members.Remove_Locked(member) && members.Count == 0)
        {
            _rooms.Remove(room);
        }
    }
}
