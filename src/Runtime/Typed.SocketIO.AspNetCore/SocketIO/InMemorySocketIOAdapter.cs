namespace Typed.SocketIO;

/// <summary>The adapter of a single server: rooms in memory, broadcasts to this server's sockets.</summary>
public class InMemorySocketIOAdapter : SocketIOAdapter
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<string>> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _socketRooms = new(StringComparer.Ordinal);
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
        lock (_gate)
        {
            if (!_socketRooms.TryGetValue(socketId, out var joined))
            {
                _socketRooms[socketId] = joined = new HashSet<string>(StringComparer.Ordinal);
            }

            foreach (var room in rooms)
            {
                if (joined.Add(room))
                {
                    if (!_rooms.TryGetValue(room, out var members))
                    {
                        _rooms[room] = members = new HashSet<string>(StringComparer.Ordinal);
                    }

                    members.Add(socketId);
                }
            }
        }
    }

    /// <inheritdoc />
    public override void Delete(string socketId, string room)
    {
        lock (_gate)
        {
            if (_socketRooms.TryGetValue(socketId, out var joined))
            {
                joined.Remove(room);
            }

            RemoveMember_Locked(room, socketId);
        }
    }

    /// <inheritdoc />
    public override void DeleteAll(string socketId)
    {
        lock (_gate)
        {
            if (!_socketRooms.Remove(socketId, out var joined))
            {
                return;
            }

            foreach (var room in joined)
            {
                RemoveMember_Locked(room, socketId);
            }
        }
    }

    /// <inheritdoc />
    public override IReadOnlyCollection<string> GetSocketRooms(string socketId)
    {
        lock (_gate)
        {
            return _socketRooms.TryGetValue(socketId, out var joined) ? [.. joined] : [];
        }
    }

    /// <inheritdoc />
    public override IReadOnlyCollection<string> GetSockets(IReadOnlyCollection<string> rooms)
    {
        lock (_gate)
        {
            return [.. SelectIds_Locked(rooms, [])];
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

        var recipients = Select(options);
        if (recipients.Count == 0)
        {
            return;
        }

        // Encoded once; every recipient queues the same immutable bytes.
        var encoded = new List<EngineIOOutgoingPacket>(1 + packet.Attachments.Count);
        Namespace.Server.Parser.Encode(packet, encoded);
        Namespace.Server.Metrics.BroadcastDelivered(Namespace, recipients.Count);
        foreach (var socket in recipients)
        {
            socket.WriteEncoded(encoded, options.Volatile);
        }
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
        lock (recovery.Gate)
        {
            var numbered = WithOffset(packet, RecoveryBuffer.FormatOffset(recovery.NextSequence));
            var encoded = new List<EngineIOOutgoingPacket>(1 + numbered.Attachments.Count);
            Namespace.Server.Parser.Encode(numbered, encoded);
            recovery.Append(encoded, options);
            foreach (var socket in Select(options))
            {
                socket.WriteEncoded(encoded, isVolatile: false);
            }
        }
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
        List<string> ids;
        lock (_gate)
        {
            ids = SelectIds_Locked(options.Rooms ?? [], options.Except ?? []);
        }

        var sockets = new List<SocketIOSocket>(ids.Count);
        foreach (var id in ids)
        {
            if (Namespace.TryGetSocket(id, out var socket))
            {
                sockets.Add(socket);
            }
        }

        return sockets;
    }

    private List<string> SelectIds_Locked(IReadOnlyCollection<string> rooms, IReadOnlyCollection<string> except)
    {
        HashSet<string>? excluded = null;
        foreach (var room in except)
        {
            if (_rooms.TryGetValue(room, out var members))
            {
                excluded ??= new HashSet<string>(StringComparer.Ordinal);
                excluded.UnionWith(members);
            }
        }

        var ids = new List<string>();
        if (rooms.Count == 0)
        {
            foreach (var id in _socketRooms.Keys)
            {
                if (excluded is null || !excluded.Contains(id))
                {
                    ids.Add(id);
                }
            }

            return ids;
        }

        // A socket in several of the rooms gets the packet once.
        var seen = rooms.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var room in rooms)
        {
            if (!_rooms.TryGetValue(room, out var members))
            {
                continue;
            }

            foreach (var id in members)
            {
                if ((excluded is null || !excluded.Contains(id)) && (seen is null || seen.Add(id)))
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    private void RemoveMember_Locked(string room, string socketId)
    {
        if (_rooms.TryGetValue(room, out var members) && members.Remove(socketId) && members.Count == 0)
        {
            _rooms.Remove(room);
        }
    }
}
