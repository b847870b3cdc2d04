namespace Typed.SocketIO;

public sealed partial class SocketIOSocket
{
    /// <summary>
    /// The user the socket belongs to, as <see cref="ISocketIOUserIdProvider"/> named it when the socket connected;
    /// null for none (an anonymous user, by default).
    /// </summary>
    public string? UserId { get; internal set; }
}
