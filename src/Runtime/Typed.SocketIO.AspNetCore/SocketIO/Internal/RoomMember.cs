namespace Typed.SocketIO.Internal;

/// <summary>
/// One socket id's entry in <see cref="InMemorySocketIOAdapter"/>: its rooms, and the local socket it names, so a
/// broadcast reaches recipients by reference instead of looking every id up again. Compared by reference: there is
/// one entry per id while that id is in a room.
/// </summary>
internal sealed class RoomMember(string id)
{
    public string Id { get; } = id;

    /// <summary>
    /// The namespace's socket with this id when the rooms were joined; null when the id names no local socket (the
    /// adapter keeps its rooms anyway, as it kept ids before, but no broadcast can reach it).
    /// </summary>
    public SocketIOSocket? Socket { get; set; }

    public HashSet<string> Rooms { get; } = new(StringComparer.Ordinal);
}
