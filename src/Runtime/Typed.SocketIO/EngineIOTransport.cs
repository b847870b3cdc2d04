namespace Typed.SocketIO;

/// <summary>The transport that currently carries an Engine.IO session.</summary>
public enum EngineIOTransport
{
    /// <summary>HTTP long-polling.</summary>
    Polling,

    /// <summary>WebSocket.</summary>
    WebSocket,
}
