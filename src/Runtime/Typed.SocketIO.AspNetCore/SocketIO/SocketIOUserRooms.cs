namespace Typed.SocketIO;

/// <summary>
/// The rooms that hold each user's sockets. A socket whose <see cref="ISocketIOUserIdProvider"/> names a user joins
/// <c>$typed:user:{userId}</c> when it connects, so a broadcast to a user is a broadcast to a room and reaches every
/// server behind a multi-server adapter. The prefix is reserved: <see cref="SocketIOSocket.Join(string)"/> refuses it.
/// </summary>
public static class SocketIOUserRooms
{
    /// <summary>The reserved prefix of user rooms.</summary>
    public const string Prefix = "$typed:user:";

    /// <summary>The room of <paramref name="userId"/>'s sockets.</summary>
    public static string For(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return Prefix + userId;
    }
}
