namespace Typed.SocketIO;

/// <summary>
/// What connection state recovery keeps of a socket that left unexpectedly (socket.io's
/// <c>{sid, pid, rooms, data}</c>), handed to <see cref="SocketIOAdapter.PersistSession"/> and back from
/// <see cref="SocketIOAdapter.TakeSessionAsync"/>.
/// </summary>
public sealed class SocketIOSession
{
    /// <summary>The socket id, given back to the recovered socket.</summary>
    public required string Id { get; init; }

    /// <summary>The private session id the client presents (its CONNECT auth's <c>pid</c>).</summary>
    public required string Pid { get; init; }

    /// <summary>The rooms the socket was in, its own id room included.</summary>
    public required IReadOnlyCollection<string> Rooms { get; init; }

    /// <summary>The socket's <see cref="SocketIOSocket.Data"/>, given back as is.</summary>
    public required IDictionary<string, object?> Data { get; init; }

    /// <summary>
    /// The authenticated user the session belongs to (the NameIdentifier claim, else the identity name), or null when
    /// the connection was not authenticated. Only the same user may recover it.
    /// </summary>
    public string? User { get; init; }

    /// <summary>When the socket left.</summary>
    public DateTimeOffset DisconnectedAt { get; init; }
}
