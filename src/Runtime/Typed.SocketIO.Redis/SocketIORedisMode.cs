namespace Typed.SocketIO.Redis;

/// <summary>Which of @socket.io/redis-adapter's pub/sub layouts the cluster uses; every server of a cluster uses the same.</summary>
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
}
