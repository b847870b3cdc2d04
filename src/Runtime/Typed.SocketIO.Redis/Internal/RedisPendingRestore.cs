namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// What a session taken from Redis carries to its restore: the missed packets (numbered with their entry ids) and
/// <see cref="Last"/>, the stream's end when they were read.
/// </summary>
internal sealed record RedisPendingRestore(List<(RedisStreamId Id, SocketIOPacket Packet)> Missed, RedisStreamId Last);
