using System.Security.Claims;

namespace Typed.SocketIO;

/// <summary>A socket connecting to or leaving a hub's namespace, as an <see cref="ISocketHubFilter"/> sees it.</summary>
public sealed class SocketHubLifetimeContext
{
    internal SocketHubLifetimeContext(Type hubType, SocketIOSocket socket)
    {
        HubType = hubType;
        Socket = socket;
    }

    /// <summary>The hub class.</summary>
    public Type HubType { get; }

    /// <summary>The socket.</summary>
    public SocketIOSocket Socket { get; }

    /// <summary>The user of the socket's handshake request.</summary>
    public ClaimsPrincipal User => Socket.Handshake.User;
}
