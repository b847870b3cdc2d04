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
}
