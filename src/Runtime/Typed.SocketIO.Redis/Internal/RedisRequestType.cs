namespace Typed.SocketIO.Redis.Internal;

/// <summary>The request types of @socket.io/redis-adapter's classic mode (its <c>RequestType</c> enum), by value.</summary>
internal enum RedisRequestType
{
    Sockets = 0,
    AllRooms = 1,
    RemoteJoin = 2,
    RemoteLeave = 3,
    RemoteDisconnect = 4,
    RemoteFetch = 5,
    ServerSideEmit = 6,
    Broadcast = 7,
    BroadcastClientCount = 8,
    BroadcastAck = 9,
}
