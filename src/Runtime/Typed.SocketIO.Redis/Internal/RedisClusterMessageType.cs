namespace Typed.SocketIO.Redis.Internal;

/// <summary>The message types of socket.io-adapter's <c>ClusterAdapter</c> (its <c>MessageType</c> enum), by value.</summary>
internal enum RedisClusterMessageType
{
    InitialHeartbeat = 1,
    Heartbeat = 2,
    Broadcast = 3,
    SocketsJoin = 4,
    SocketsLeave = 5,
    DisconnectSockets = 6,
    FetchSockets = 7,
    FetchSocketsResponse = 8,
    ServerSideEmit = 9,
    ServerSideEmitResponse = 10,
    BroadcastClientCount = 11,
    BroadcastAck = 12,
    AdapterClose = 13,
}
