namespace Typed.SocketIO.Internal;

/// <summary>
/// The sockets a broadcast reaches, taken under the adapter's lock and walked outside it: an immutable array (a
/// room's or the namespace's cached snapshot, or one built for a union of rooms) minus the sockets of the excepted
/// rooms. Excluding while walking spares a copy of the array for <c>socket.broadcast</c> (all but one).
/// </summary>
internal readonly struct BroadcastRecipients(SocketIOSocket[] sockets, SocketIOSocket? exceptOne, HashSet<SocketIOSocket>? except)
{
    public static BroadcastRecipients None => new([], null, null);

    /// <summary>The candidates, before <see cref="IsExcluded"/>.</summary>
    public SocketIOSocket[] Sockets { get; } = sockets;

    public bool IsExcluded(SocketIOSocket socket) =>
        ReferenceEquals(socket, exceptOne) || (except is not null && except.Contains(socket));

    /// <summary>How many sockets are reached (one walk; for the rarer callers that need the count first).</summary>
    public int Count()
    {
        if (exceptOne is null && except is null)
        {
            return Sockets.Length;
        }

        var count = 0;
        foreach (var socket in Sockets)
        {
            if (!IsExcluded(socket))
            {
                count++;
            }
        }

        return count;
    }
}
