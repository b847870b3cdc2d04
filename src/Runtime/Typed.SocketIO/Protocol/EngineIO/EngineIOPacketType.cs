namespace Typed.SocketIO.Protocol;

/// <summary>The seven Engine.IO v4 packet types. The numeric value is the type character's digit on the wire.</summary>
public enum EngineIOPacketType : byte
{
    /// <summary><c>0</c>: the handshake, first packet of a session (server to client).</summary>
    Open = 0,
    /// <summary><c>1</c>: closes the session.</summary>
    Close = 1,
    /// <summary><c>2</c>: heartbeat ping (server to client in v4; <c>2probe</c> from a client on an upgrading WebSocket).</summary>
    Ping = 2,
    /// <summary><c>3</c>: heartbeat pong (client to server; <c>3probe</c> from the server during an upgrade).</summary>
    Pong = 3,
    /// <summary><c>4</c>: an application message, text or binary.</summary>
    Message = 4,
    /// <summary><c>5</c>: completes an upgrade to WebSocket (client to server).</summary>
    Upgrade = 5,
    /// <summary><c>6</c>: no operation; releases a pending long-polling request.</summary>
    Noop = 6,
}
