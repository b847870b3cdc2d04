namespace Chat.Server;

/// <summary>
/// The chat's state, a DI singleton: who is in which room under which nickname, and each room's last
/// <see cref="ChatLimits.HistoryPerRoom"/> messages for late joiners. One lock; every collection is bounded.
/// </summary>
public sealed class ChatRooms(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _roomsBySocket = new(StringComparer.Ordinal);
    private long _lastMessageId;

    /// <summary>Adds <paramref name="socketId"/> to <paramref name="room"/> (again is fine) and returns the members and history.</summary>
    public JoinResult Join(string room, string socketId, string nickname)
    {
        if (ChatLimits.CheckRoom(room) is { } error)
        {
            return JoinResult.Failed(room ?? "", error);
        }

        lock (_lock)
        {
            var joined = _roomsBySocket.GetValueOrDefault(socketId);
            if (joined is not null && !joined.Contains(room) && joined.Count >= ChatLimits.MaxRoomsPerConnection)
            {
                return JoinResult.Failed(room, $"a connection may be in at most {ChatLimits.MaxRoomsPerConnection} rooms: leave one first");
            }

            if (!_rooms.TryGetValue(room, out var state))
            {
                if (_rooms.Count >= ChatLimits.MaxRooms && !EvictIdleRoom())
                {
                    return JoinResult.Failed(room, "the server has too many active rooms; try an existing one");
                }

                _rooms[room] = state = new Room();
            }

            state.Members[socketId] = nickname;
            state.LastActivity = time.GetTimestamp();
            if (joined is null)
            {
                _roomsBySocket[socketId] = joined = new HashSet<string>(StringComparer.Ordinal);
            }

            joined.Add(room);
            return new JoinResult(true, null, room, state.MemberNames(), [.. state.History]);
        }
    }

    /// <summary>Removes <paramref name="socketId"/> from <paramref name="room"/>; the members left, or null if it was not in it.</summary>
    public string[]? Leave(string room, string socketId)
    {
        lock (_lock)
        {
            return LeaveLocked(room, socketId);
        }
    }

    /// <summary>Removes <paramref name="socketId"/> from every room (it disconnected): each room with the members left.</summary>
    public IReadOnlyList<(string Room, string[] Members)> LeaveAll(string socketId)
    {
        lock (_lock)
        {
            if (!_roomsBySocket.TryGetValue(socketId, out var joined))
            {
                return [];
            }

            var left = new List<(string, string[])>(joined.Count);
            foreach (var room in joined.ToArray())
            {
                left.Add((room, LeaveLocked(room, socketId)!));
            }

            return left;
        }
    }

    /// <summary>Stores a message from <paramref name="socketId"/> to <paramref name="room"/>: the message, or why it was refused.</summary>
    public (ChatMessage? Message, string? Error) Post(string room, string socketId, string text)
    {
        if (ChatLimits.CheckText(text) is { } error)
        {
            return (null, error);
        }

        lock (_lock)
        {
            if (room is null || !_rooms.TryGetValue(room, out var state) || !state.Members.TryGetValue(socketId, out var nickname))
            {
                return (null, $"join room '{room}' before sending to it");
            }

            var message = new ChatMessage($"m{++_lastMessageId}", room, nickname, text, time.GetUtcNow());
            if (state.History.Count == ChatLimits.HistoryPerRoom)
            {
                state.History.Dequeue();
            }

            state.History.Enqueue(message);
            state.LastActivity = time.GetTimestamp();
            return (message, null);
        }
    }

    /// <summary>The nickname <paramref name="socketId"/> has in <paramref name="room"/>, or null when it is not a member.</summary>
    public string? MemberNickname(string room, string socketId)
    {
        lock (_lock)
        {
            return room is not null && _rooms.TryGetValue(room, out var state) ? state.Members.GetValueOrDefault(socketId) : null;
        }
    }

    /// <summary>The nicknames in <paramref name="room"/> (empty for an unknown room).</summary>
    public string[] Members(string room)
    {
        lock (_lock)
        {
            return _rooms.TryGetValue(room, out var state) ? state.MemberNames() : [];
        }
    }

    private string[]? LeaveLocked(string room, string socketId)
    {
        if (room is null || !_rooms.TryGetValue(room, out var state) || !state.Members.Remove(socketId))
        {
            return null;
        }

        if (_roomsBySocket.TryGetValue(socketId, out var joined) && joined.Remove(room) && joined.Count == 0)
        {
            _roomsBySocket.Remove(socketId);
        }

        // An empty room keeps its history for late joiners until the room cap needs its slot.
        state.LastActivity = time.GetTimestamp();
        return state.MemberNames();
    }

    /// <summary>Drops the empty room idle the longest; false when every room has members.</summary>
    private bool EvictIdleRoom()
    {
        string? oldest = null;
        var oldestActivity = long.MaxValue;
        foreach (var (name, state) in _rooms)
        {
            if (state.Members.Count == 0 && state.LastActivity < oldestActivity)
            {
                (oldest, oldestActivity) = (name, state.LastActivity);
            }
        }

        return oldest is not null && _rooms.Remove(oldest);
    }

    private sealed class Room
    {
        public Dictionary<string, string> Members { get; } = new(StringComparer.Ordinal);

        public Queue<ChatMessage> History { get; } = new(ChatLimits.HistoryPerRoom);

        public long LastActivity { get; set; }

        public string[] MemberNames()
        {
            var names = Members.Values.ToArray();
            Array.Sort(names, StringComparer.Ordinal);
            return names;
        }
    }
}
