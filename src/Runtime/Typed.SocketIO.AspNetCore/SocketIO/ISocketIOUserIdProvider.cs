namespace Typed.SocketIO;

/// <summary>
/// Names the user a socket belongs to, as SignalR's <c>IUserIdProvider</c>: every socket with a user id is in that
/// user's room, which <c>io.ToUser(userId)</c> and a hub's <c>Clients.User(userId)</c> reach. Register your own as a
/// singleton before or after <c>AddSocketIO()</c>; the default reads the <c>ClaimTypes.NameIdentifier</c> claim of
/// the handshake request's user.
/// </summary>
public interface ISocketIOUserIdProvider
{
    /// <summary>The user id of <paramref name="socket"/>, or null for none. Called once, when the socket connects.</summary>
    string? GetUserId(SocketIOSocket socket);
}
