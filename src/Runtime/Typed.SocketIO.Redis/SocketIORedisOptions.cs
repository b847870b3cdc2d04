namespace Typed.SocketIO.Redis;

/// <summary>How a server joins a Redis cluster (see <c>docs/redis.md</c>).</summary>
public sealed class SocketIORedisOptions
{
    /// <summary>The StackExchange.Redis configuration string, e.g. <c>localhost:6379</c> or <c>redis1:6379,password=…</c>.</summary>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>The channel prefix (the Node adapter's <c>key</c>). Default <c>socket.io</c>; every server of a cluster uses the same.</summary>
    public string KeyPrefix { get; set; } = "socket.io";

    /// <summary>
    /// How long a request to the other servers (<c>FetchSocketsAsync</c>, <c>ServerSideEmitWithAckAsync</c>) waits
    /// for their answers (the Node adapter's <c>requestsTimeout</c>). Default 5 s. In
    /// <see cref="SocketIORedisMode.Streams"/> mode with recovery on, also how long a restore waits for this server to
    /// have read the stream as far as the client's offset (the client may come from a server that reads ahead).
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>The pub/sub layout. Default <see cref="SocketIORedisMode.Classic"/>.</summary>
    public SocketIORedisMode Mode { get; set; } = SocketIORedisMode.Classic;

    /// <summary>
    /// In <see cref="SocketIORedisMode.Sharded"/> mode, which rooms get their own channel. Default
    /// <see cref="SocketIORedisSubscriptionMode.Dynamic"/>, as Node's.
    /// </summary>
    public SocketIORedisSubscriptionMode SubscriptionMode { get; set; } = SocketIORedisSubscriptionMode.Dynamic;

    /// <summary>
    /// Most requests, and separately most broadcasts with acknowledgements, one namespace may have waiting for other
    /// servers; one more request fails at once, one more broadcast reaches this server's sockets only. Default 1,024.
    /// </summary>
    public int MaxPendingRequests { get; set; } = 1024;

    /// <summary>
    /// Answer each request on the requester's own channel (<c>prefix-response#nsp#uid#</c>) rather than the shared
    /// one (the Node adapter's <c>publishOnSpecificResponseChannel</c>). Default false, as Node's.
    /// </summary>
    public bool PublishOnSpecificResponseChannel { get; set; }

    /// <summary>In <see cref="SocketIORedisMode.Streams"/> mode, the stream's name (Node's <c>streamName</c>). Default <c>socket.io</c>.</summary>
    public string StreamName { get; set; } = "socket.io";

    /// <summary>
    /// In <see cref="SocketIORedisMode.Streams"/> mode, the stream's approximate cap (<c>XADD MAXLEN ~</c>, Node's
    /// <c>maxLen</c>): a client can recover only while the entries it missed are still in the stream. Default 10,000.
    /// </summary>
    public int StreamMaxLength { get; set; } = 10_000;

    /// <summary>In <see cref="SocketIORedisMode.Streams"/> mode, most entries one <c>XREAD</c> returns (Node's <c>readCount</c>). Default 100.</summary>
    public int StreamReadCount { get; set; } = 100;

    /// <summary>
    /// In <see cref="SocketIORedisMode.Streams"/> mode, the prefix of the keys that hold recovery sessions (Node's
    /// <c>sessionKeyPrefix</c>): a session is <c>prefix + pid</c>. Default <c>sio:session:</c>.
    /// </summary>
    public string SessionKeyPrefix { get; set; } = "sio:session:";
}
