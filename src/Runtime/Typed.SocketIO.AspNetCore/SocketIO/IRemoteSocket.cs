namespace Typed.SocketIO;

/// <summary>
/// A socket as <c>FetchSocketsAsync</c> returns it: on this server the socket itself; with a multi-server adapter, a
/// proxy for a socket connected elsewhere.
/// </summary>
public interface IRemoteSocket
{
    /// <summary>The socket id.</summary>
    string Id { get; }

    /// <summary>What its connection carried.</summary>
    SocketIOHandshake Handshake { get; }

    /// <summary>The rooms it is in, its own id room included.</summary>
    IReadOnlyCollection<string> Rooms { get; }

    /// <summary>The application's data bag.</summary>
    IDictionary<string, object?> Data { get; }

    /// <summary>Emits an event to this socket.</summary>
    void Emit(string eventName, params object?[] args);

    /// <summary>Adds the socket to <paramref name="room"/>.</summary>
    void Join(string room);

    /// <summary>Removes the socket from <paramref name="room"/>.</summary>
    void Leave(string room);

    /// <summary>Disconnects the socket; <paramref name="close"/> also closes its whole connection.</summary>
    void Disconnect(bool close = false);
}
