namespace Typed.SocketIO.Client;

/// <summary>The Engine.IO transports a <see cref="SocketIOClient"/> may use.</summary>
[Flags]
public enum SocketIOTransports
{
    /// <summary>HTTP long-polling: works through every proxy; the session opens on it and upgrades when it can.</summary>
    Polling = 1,

    /// <summary>WebSocket: opened directly when it is the only transport, or reached by upgrading a polling session.</summary>
    WebSocket = 2,
}
