namespace Typed.SocketIO.Redis;

/// <summary>
/// Which rooms get their own channel in <see cref="SocketIORedisMode.Sharded"/> mode (the Node adapter's
/// <c>subscriptionMode</c>); every server of a cluster uses the same.
/// </summary>
public enum SocketIORedisSubscriptionMode
{
    /// <summary>
    /// Each public room (not a socket's own room) has its own channel, subscribed while the server has a socket in it;
    /// a broadcast to one such room reaches only the servers that have it. Node's default.
    /// </summary>
    Dynamic,

    /// <summary>Every broadcast goes through the namespace's one channel.</summary>
    Static,

    /// <summary>As <see cref="Dynamic"/>, socket rooms included (one channel per connected socket).</summary>
    DynamicPrivate,
}
