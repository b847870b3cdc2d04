namespace Typed.EngineIO;

/// <summary>The transports an Engine.IO endpoint accepts.</summary>
[Flags]
public enum EngineIOTransports
{
    /// <summary>HTTP long-polling: GET to receive, POST to send.</summary>
    Polling = 1,
    /// <summary>WebSocket, either from the start or upgraded from polling.</summary>
    WebSocket = 2,
    /// <summary>Both transports (the default).</summary>
    All = Polling | WebSocket,
}

/// <summary>The transport that currently carries a session.</summary>
public enum EngineIOTransport
{
    /// <summary>HTTP long-polling.</summary>
    Polling,
    /// <summary>WebSocket.</summary>
    WebSocket,
}
