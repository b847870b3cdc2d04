namespace Typed.SocketIO;

/// <summary>
/// A set of Engine.IO transports: the ones a server endpoint accepts (<c>EngineIOOptions.Transports</c>) or a client
/// may use (<c>SocketIOClientOptions.Transports</c>), as socket.io's <c>transports</c> option.
/// </summary>
[Flags]
public enum EngineIOTransports
{
    /// <summary>HTTP long-polling (GET to receive, POST to send): works through every proxy; sessions open on it and upgrade when they can.</summary>
    Polling = 1,

    /// <summary>WebSocket, either from the start or reached by upgrading a polling session.</summary>
    WebSocket = 2,

    /// <summary>Both transports (the default on both sides).</summary>
    All = Polling | WebSocket,
}
