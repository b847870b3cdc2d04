namespace Typed.SocketIO.Internal;

/// <summary>
/// The members of one room (or, for the namespace, of every room), with an array of their sockets that broadcasts
/// walk. The array is rebuilt on the first broadcast after a join or leave and then shared: broadcasting never
/// allocates per recipient, and a walk outside the adapter's lock sees an immutable snapshot.
/// </summary>
internal sealed class RoomMembers
{
    private SocketIOSocket[]? _sockets;

    public HashSet<RoomMember> Members { get; } = [];

    public int Count => Members.Count;

    public bool Add_Locked(RoomMember member)
    {
        if (!Members.Add(member))
        {
            return false;
        }

        _sockets = null;
        return true;
    }

    public bool Remove_Locked(RoomMember member)
    {
        if (!Members.Remove(member))
        {
            return false;
        }

        _sockets = null;
        return true;
    }

    /// <summary>A member's socket changed (an id reused by a new socket): the snapshot is stale.</summary>
    public void Invalidate_Locked() => _sockets = null;

    /// <summary>The members' local sockets; the same array until the membership changes.</summary>
    public SocketIOSocket[] Sockets_Locked()
    {
        if (_sockets is { } sockets)
        {
            return sockets;
        }

        var count = 0;
        foreach (var member in Members)
        {
            if (member.Socket is not null)
            {
                count++;
            }
        }

        sockets = count == 0 ? [] : new SocketIOSocket[count];
        var i = 0;
        foreach (var member in Members)
        {
            if (member.Socket is { } socket)
            {
                sockets[i++] = socket;
            }
        }

        return _sockets = sockets;
    }
}
