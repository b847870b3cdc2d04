using System.Security.Claims;

namespace Typed.SocketIO;

/// <summary>One event on its way to a hub method, as an <see cref="ISocketHubFilter"/> sees it.</summary>
public sealed class SocketHubInvocationContext
{
    internal SocketHubInvocationContext(Type hubType, SocketIOEventContext @event)
    {
        HubType = hubType;
        Event = @event;
    }

    /// <summary>The hub class the event is for.</summary>
    public Type HubType { get; }

    /// <summary>The event: its name, its arguments (raw, before binding), and its acknowledgement.</summary>
    public SocketIOEventContext Event { get; }

    /// <summary>The socket that sent the event.</summary>
    public SocketIOSocket Socket => Event.Socket;

    /// <summary>The event name.</summary>
    public string EventName => Event.EventName;

    /// <summary>The user of the socket's handshake request.</summary>
    public ClaimsPrincipal User => Event.Socket.Handshake.User;
}
