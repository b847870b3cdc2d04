using StackExchange.Redis;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// The sharded mode of @socket.io/redis-adapter 8.3 (<c>createShardedAdapter(pub, sub)</c>, a socket.io-adapter
/// <c>ClusterAdapter</c>, whose messages <see cref="RedisClusterAdapter"/> reads and writes): every message is
/// <c>SPUBLISH</c>ed on <c>prefix#nsp#</c>, a broadcast to one room on <c>prefix#nsp#room#</c> (per
/// <see cref="SocketIORedisSubscriptionMode"/>: each server subscribes to the channel of the rooms it has), an answer
/// on the requester's <c>prefix#nsp#uid#</c>, as JSON unless it may carry binaries. The server count is <c>PUBSUB
/// SHARDNUMSUB</c> of the namespace channel (Node's sharded adapter has no heartbeats).
/// </summary>
internal sealed class RedisShardedAdapter : RedisClusterAdapter
{
    /// <summary>Node's <c>looksLikeASocketId</c>: socket ids are 20 characters, on both sides.</summary>
    private const int SocketIdLength = 20;

    private readonly string _channel;
    private readonly string _responseChannel;
    private readonly SocketIORedisSubscriptionMode _subscriptionMode;
    private readonly object _roomGate = new();
    private readonly HashSet<string> _roomChannels = new(StringComparer.Ordinal);

    public RedisShardedAdapter(SocketIONamespace ns, RedisBackplane backplane)
        : base(ns, backplane)
    {
        _subscriptionMode = backplane.Options.SubscriptionMode;
        _channel = backplane.Options.KeyPrefix + "#" + ns.Name + "#";
        _responseChannel = _channel + Uid + "#";

        backplane.Subscribe(RedisChannel.Sharded(_channel), OnChannelMessageAsync);
        backplane.Subscribe(RedisChannel.Sharded(_responseChannel), OnChannelMessageAsync);
    }

    public override void AddAll(string socketId, IEnumerable<string> rooms)
    {
        IReadOnlyCollection<string> list = rooms as IReadOnlyCollection<string> ?? [.. rooms];
        base.AddAll(socketId, list);
        if (_subscriptionMode == SocketIORedisSubscriptionMode.Static)
        {
            return;
        }

        // Node subscribes on its adapter's "create-room" event; the membership is checked again under the lock so a
        // concurrent leave cannot leave a subscription behind for an empty room.
        lock (_roomGate)
        {
            foreach (var room in list)
            {
                if (HasOwnChannel(room, isSocketRoom: room == socketId || GetSocketRooms(room).Count != 0)
                    && GetSockets([room]).Count != 0 && _roomChannels.Add(room))
                {
                    Backplane.Subscribe(RedisChannel.Sharded(RoomChannel(room)), OnChannelMessageAsync);
                }
            }
        }
    }

    public override void Delete(string socketId, string room)
    {
        base.Delete(socketId, room);
        ReleaseRoomChannels([room]);
    }

    public override void DeleteAll(string socketId)
    {
        var rooms = GetSocketRooms(socketId);
        base.DeleteAll(socketId);
        ReleaseRoomChannels(rooms);
    }

    public override void Broadcast(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        if (!options.Local)
        {
            var (data, _) = BroadcastData(packet, options, requestId: null, preferJson: false);
            Backplane.Publish(RedisChannel.Sharded(BroadcastChannel(options)), PackMessage(RedisClusterMessageType.Broadcast, data));
        }

        base.Broadcast(packet, options);
    }

    // Always on the namespace channel, as Node: the server count covers every server, not a room's.
    protected override RedisChannel BroadcastWithAckChannel => RedisChannel.Sharded(_channel);

    public override async ValueTask<int> ServerCountAsync() =>
        await Backplane.CountSubscribersAsync("SHARDNUMSUB", _channel).ConfigureAwait(false);

    protected override void Publish(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson, string? toUid) =>
        Backplane.Publish(RedisChannel.Sharded(toUid is null ? _channel : ResponseChannel(toUid)), isJson ? JsonMessage(type, data) : PackMessage(type, data));

    protected override Task PublishToAllAsync(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson) =>
        Backplane.PublishAsync(RedisChannel.Sharded(_channel), isJson ? JsonMessage(type, data) : PackMessage(type, data));

    /// <summary>Any message on any of this namespace's channels: Node handles them alike, by type.</summary>
    private Task OnChannelMessageAsync(ChannelMessage message) =>
        OnMessageAsync(message.Channel.ToString(), (byte[]?)message.Message ?? [], offset: null);

    /// <summary>Unsubscribes from the channels of rooms this server no longer has (Node's "delete-room").</summary>
    private void ReleaseRoomChannels(IEnumerable<string> rooms)
    {
        if (_subscriptionMode == SocketIORedisSubscriptionMode.Static)
        {
            return;
        }

        lock (_roomGate)
        {
            foreach (var room in rooms)
            {
                if (_roomChannels.Contains(room) && GetSockets([room]).Count == 0)
                {
                    _roomChannels.Remove(room);
                    Backplane.Unsubscribe(RedisChannel.Sharded(RoomChannel(room)));
                }
            }
        }
    }

    /// <summary>
    /// Whether this server subscribes to a room's own channel: every room a Node or Typed server may publish on one.
    /// Node publishes a single-room broadcast on the room's channel unless the room looks like a socket id (20
    /// characters) in dynamic mode, and subscribes to the public rooms it has; both are covered.
    /// </summary>
    private bool HasOwnChannel(string room, bool isSocketRoom) => _subscriptionMode switch
    {
        SocketIORedisSubscriptionMode.DynamicPrivate => true,
        SocketIORedisSubscriptionMode.Dynamic => !isSocketRoom || room.Length != SocketIdLength,
        _ => false,
    };

    /// <summary>Node's <c>computeChannel</c> for a broadcast without acknowledgements.</summary>
    private string BroadcastChannel(SocketIOBroadcastOptions options)
    {
        if (options.Rooms is { Count: 1 } rooms && _subscriptionMode != SocketIORedisSubscriptionMode.Static)
        {
            var room = rooms.First();
            if (_subscriptionMode == SocketIORedisSubscriptionMode.DynamicPrivate || room.Length != SocketIdLength)
            {
                return RoomChannel(room);
            }
        }

        return _channel;
    }

    private string RoomChannel(string room) => _channel + room + "#";

    private string ResponseChannel(string uid) => _channel + uid + "#";
}
