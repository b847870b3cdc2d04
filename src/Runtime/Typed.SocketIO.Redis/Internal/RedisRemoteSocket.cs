namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// A socket connected to another server, as its <c>REMOTE_FETCH</c> answer described it. Acting on it goes through
/// the cluster: emit is a broadcast to its id room, join/leave/disconnect are remote requests selecting that room —
/// what socket.io's <c>RemoteSocket</c> does.
/// </summary>
internal sealed class RedisRemoteSocket(SocketIONamespace ns, string id, SocketIOHandshake handshake, IReadOnlyCollection<string> rooms, IDictionary<string, object?> data) : IRemoteSocket
{
    public string Id { get; } = id;

    public SocketIOHandshake Handshake { get; } = handshake;

    public IReadOnlyCollection<string> Rooms { get; } = rooms;

    public IDictionary<string, object?> Data { get; } = data;

    public void Emit(string eventName, params object?[] args) => ns.To(Id).Emit(eventName, args);

    public void Join(string room) => ns.In(Id).SocketsJoin(room);

    public void Leave(string room) => ns.In(Id).SocketsLeave(room);

    public void Disconnect(bool close = false) => ns.In(Id).DisconnectSockets(close);
}
