using Typed.SocketIO.Contracts;
using Typed.SocketIO.Hubs.Internal;

namespace Typed.SocketIO;

/// <summary>
/// Typed targets in one namespace. Broadcasts (<see cref="All"/>, <see cref="Room"/>, <see cref="Except"/>) get the
/// contract's methods as generated extension methods, acknowledgements becoming <c>Task&lt;IReadOnlyList&lt;T&gt;&gt;</c>;
/// <see cref="Socket"/> is one client, whose acknowledgement is a <c>Task&lt;T&gt;</c>.
/// </summary>
public class SocketHubClients<TClient>
    where TClient : class
{
    internal SocketHubClients(SocketIONamespace ns) => Namespace = ns;

    /// <summary>The namespace the targets are in.</summary>
    public SocketIONamespace Namespace { get; }

    /// <summary>Every socket of the namespace.</summary>
    public SocketHubBroadcast<TClient> All => new(Namespace.All);

    /// <summary>The sockets in <paramref name="room"/>.</summary>
    public SocketHubBroadcast<TClient> Room(string room) => new(Namespace.To(room));

    /// <summary>Every socket except those in <paramref name="room"/> (a socket id names a room holding that socket).</summary>
    public SocketHubBroadcast<TClient> Except(string room) => new(Namespace.Except(room));

    /// <summary>
    /// Every socket of the user <paramref name="userId"/> (as <see cref="ISocketIOUserIdProvider"/> names users), through
    /// the user's room, so also on other servers with a multi-server adapter.
    /// </summary>
    public SocketHubBroadcast<TClient> User(string userId) => new(Namespace.ToUser(userId));

    /// <summary>Every socket of each of <paramref name="userIds"/>; no user id reaches no socket.</summary>
    public SocketHubBroadcast<TClient> Users(params IEnumerable<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        string[] rooms = [.. userIds.Select(SocketIOUserRooms.For)];

        // A broadcast without rooms reaches everyone: an empty list targets the bare prefix instead, a room no socket
        // is ever in (a user id is never empty).
        return new(Namespace.All.To(rooms.Length == 0 ? [SocketIOUserRooms.Prefix] : rooms));
    }

    /// <summary>
    /// The socket <paramref name="socketId"/>, through the adapter (so also on another server with a multi-server
    /// adapter). An acknowledgement awaited from a socket that is not connected fails with <see cref="SocketIODisconnectedException"/>.
    /// </summary>
    public TClient Socket(string socketId)
    {
        ArgumentException.ThrowIfNullOrEmpty(socketId);
        return SocketContracts.Get<TClient>().CreateProxy(new RoomPeer(Namespace.To(socketId)));
    }
}
