namespace Typed.SocketIO.Redis;

/// <summary>Which Node adapter's layout the cluster uses (@socket.io/redis-adapter or @socket.io/redis-streams-adapter); every server of a cluster uses the same.</summary>
public enum SocketIORedisMode
{
    /// <summary>
    /// <c>createAdapter(pub, sub)</c>: <c>PUBLISH</c>/<c>PSUBSCRIBE</c> on <c>prefix#nsp#…</c>, requests on
    /// <c>prefix-request#nsp#</c>, answers on <c>prefix-response#nsp#</c>.
    /// </summary>
    Classic,

    /// <summary>
    /// <c>createShardedAdapter(pub, sub)</c> (Redis 7 sharded pub/sub): <c>SPUBLISH</c>/<c>SSUBSCRIBE</c> on
    /// <c>prefix#nsp#</c>, single-room broadcasts on <c>prefix#nsp#room#</c> as
    /// <see cref="SocketIORedisOptions.SubscriptionMode"/> says, answers on <c>prefix#nsp#uid#</c>.
    /// </summary>
    Sharded,

    /// <summary>
    /// @socket.io/redis-streams-adapter 0.3 (<c>createAdapter(client)</c>): broadcasts, room changes and disconnections
    /// are <c>XADD</c>ed to one Redis stream (<see cref="SocketIORedisOptions.StreamName"/>, capped at
    /// <see cref="SocketIORedisOptions.StreamMaxLength"/>) that every server reads in order; requests and answers go
    /// through pub/sub on <c>prefix#nsp#</c> and <c>prefix#nsp#uid#</c>. With connection state recovery on, sessions are
    /// kept in Redis, so a client recovers on any server of the cluster.
    /// </summary>
    Streams,
}
