namespace Typed.SocketIO;

/// <summary>Broadcasts to every socket of a user (see <see cref="ISocketIOUserIdProvider"/>), in any namespace's adapter.</summary>
public static class SocketIOUserExtensions
{
    /// <summary>A broadcast to every socket of <paramref name="userId"/> in the main namespace (<c>io.ToUser(id)</c>).</summary>
    public static SocketIOBroadcastOperator ToUser(this SocketIOServer server, string userId)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.To(SocketIOUserRooms.For(userId));
    }

    /// <summary>A broadcast to every socket of <paramref name="userId"/> in <paramref name="ns"/>.</summary>
    public static SocketIOBroadcastOperator ToUser(this SocketIONamespace ns, string userId)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.To(SocketIOUserRooms.For(userId));
    }

    /// <summary>Also reaches every socket of <paramref name="userId"/>.</summary>
    public static SocketIOBroadcastOperator ToUser(this SocketIOBroadcastOperator broadcast, string userId) =>
        broadcast.To(SocketIOUserRooms.For(userId));
}
