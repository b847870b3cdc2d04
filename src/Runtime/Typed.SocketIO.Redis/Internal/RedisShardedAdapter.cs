using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// The sharded mode of @socket.io/redis-adapter 8.3 (<c>createShardedAdapter(pub, sub)</c>, a socket.io-adapter
/// <c>ClusterAdapter</c>), message for message: every message is <c>{uid, nsp, type, data}</c>, as JSON or, when it
/// may carry binaries, as notepack MessagePack; it is <c>SPUBLISH</c>ed on <c>prefix#nsp#</c>, a broadcast to one room
/// on <c>prefix#nsp#room#</c> (per <see cref="SocketIORedisSubscriptionMode"/>: each server subscribes to the channel of
/// the rooms it has), an answer on the requester's <c>prefix#nsp#uid#</c>. The server count is <c>PUBSUB
/// SHARDNUMSUB</c> of the namespace channel (Node's sharded adapter has no heartbeats). Everything received is decoded
/// strictly: a JSON message is validated, then read through the same MessagePack readers as a binary one; a malformed
/// or foreign message is logged and dropped.
/// </summary>
internal sealed class RedisShardedAdapter : RedisAdapterBase
{
    /// <summary>Node's <c>looksLikeASocketId</c>: socket ids are 20 characters, on both sides.</summary>
    private const int SocketIdLength = 20;

    private readonly string _channel;
    private readonly string _responseChannel;
    private readonly SocketIORedisSubscriptionMode _subscriptionMode;
    private readonly object _roomGate = new();
    private readonly HashSet<string> _roomChannels = new(StringComparer.Ordinal);

    public RedisShardedAdapter(SocketIONamespace ns, RedisBackplane backplane)
        : base(ns, backplane, idLength: 16)
    {
        _subscriptionMode = backplane.Options.SubscriptionMode;
        _channel = backplane.Options.KeyPrefix + "#" + ns.Name + "#";
        _responseChannel = _channel + Uid + "#";

        backplane.Subscribe(RedisChannel.Sharded(_channel), OnMessageAsync);
        backplane.Subscribe(RedisChannel.Sharded(_responseChannel), OnMessageAsync);
    }

    /// <summary>ClusterAdapter requests and answers carry a server-side event under <c>packet</c>.</summary>
    protected override string ServerSideField => "packet";

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
                    Backplane.Subscribe(RedisChannel.Sharded(RoomChannel(room)), OnMessageAsync);
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
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackBufferWriter(buffer);
            WriteHeader(writer, RedisClusterMessageType.Broadcast);
            writer.WriteMapHeader(2);
            writer.WriteString("packet"u8);
            buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
            writer.WriteString("opts"u8);
            WriteOptions(buffer, options, withTimeout: false);
            Backplane.Publish(RedisChannel.Sharded(BroadcastChannel(options)), buffer.WrittenMemory);
        }

        base.Broadcast(packet, options);
    }

    public override void BroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, Action<int> onRecipients, Action<SocketIOArguments> onResponse)
    {
        ArgumentNullException.ThrowIfNull(onRecipients);
        ArgumentNullException.ThrowIfNull(onResponse);
        if (!options.Local)
        {
            var requestId = NewRequestId();
            var request = new RedisAckRequest(onRecipients, onResponse);
            if (TryAddAckRequest(requestId, request))
            {
                // Always on the namespace channel, as Node: the server count covers every server, not a room's.
                var buffer = new ArrayBufferWriter<byte>();
                var writer = new MessagePackBufferWriter(buffer);
                WriteHeader(writer, RedisClusterMessageType.Broadcast);
                writer.WriteMapHeader(3);
                writer.WriteString("packet"u8);
                buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
                writer.WriteString("requestId"u8);
                writer.Write(requestId);
                writer.WriteString("opts"u8);
                WriteOptions(buffer, options, withTimeout: true);
                Backplane.Publish(RedisChannel.Sharded(_channel), buffer.WrittenMemory);
                ExpectAckAnswers(requestId, request, options.AckTimeout);
            }
        }

        base.BroadcastWithAck(packet, options, onRecipients, onResponse);
    }

    public override void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.AddSockets(options, rooms);
        PublishRooms(RedisClusterMessageType.SocketsJoin, options, rooms);
    }

    public override void DeleteSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.DeleteSockets(options, rooms);
        PublishRooms(RedisClusterMessageType.SocketsLeave, options, rooms);
    }

    public override void DisconnectSockets(SocketIOBroadcastOptions options, bool close)
    {
        if (!options.Local)
        {
            PublishJson(_channel, RedisClusterMessageType.DisconnectSockets, writer =>
            {
                WriteSelection(writer, options);
                writer.WriteBoolean("close", close);
            });
        }

        base.DisconnectSockets(options, close);
    }

    public override void ServerSideEmit(SocketIOPacket packet)
    {
        var data = ServerSideData(packet);
        PublishJson(_channel, RedisClusterMessageType.ServerSideEmit, writer =>
        {
            writer.WritePropertyName("packet");
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        });
    }

    public override async ValueTask<int> ServerCountAsync() =>
        await Backplane.CountSubscribersAsync("SHARDNUMSUB", _channel).ConfigureAwait(false);

    /// <summary>Any message on any of this namespace's channels: Node handles them alike, by type.</summary>
    private async Task OnMessageAsync(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        ReadOnlyMemory<byte> bytes = (byte[]?)message.Message ?? [];
        if (bytes.IsEmpty)
        {
            Drop(channel, bytes, "empty");
            return;
        }

        JsonDocument? document = null;
        var pack = bytes;
        if (bytes.Span[0] == (byte)'{')
        {
            // Validated (depth-bounded) first, then read by the MessagePack readers like a binary message.
            try
            {
                document = JsonDocument.Parse(bytes, JsonOptions);
                var buffer = new ArrayBufferWriter<byte>(bytes.Length);
                JsonToMessagePackTranscoder.Write(new MessagePackBufferWriter(buffer), bytes.Span, []);
                pack = buffer.WrittenMemory;
            }
            catch (Exception exception) when (exception is JsonException or ArgumentException)
            {
                document?.Dispose();
                Drop(channel, bytes, "malformed JSON");
                return;
            }
        }

        using (document)
        {
            await HandleAsync(channel, bytes, pack, document?.RootElement).ConfigureAwait(false);
        }
    }

    private async Task HandleAsync(string channel, ReadOnlyMemory<byte> bytes, ReadOnlyMemory<byte> pack, JsonElement? json)
    {
        var span = pack.Span;
        if (!RedisMessagePack.TryReadMap(span, out var fields)
            || !fields.TryGetValue("uid", out var uidRange) || !RedisMessagePack.TryReadString(span[uidRange], out var uid)
            || !fields.TryGetValue("nsp", out var nspRange) || !RedisMessagePack.TryReadString(span[nspRange], out var nsp)
            || !fields.TryGetValue("type", out var typeRange) || !RedisMessagePack.TryReadInteger(span[typeRange], 1, 13, out var typeNumber))
        {
            Drop(channel, bytes, "not a {uid, nsp, type} message");
            return;
        }

        if (uid == Uid || nsp != Namespace.Name)
        {
            return;
        }

        var type = (RedisClusterMessageType)typeNumber;
        if (type is RedisClusterMessageType.InitialHeartbeat or RedisClusterMessageType.Heartbeat or RedisClusterMessageType.AdapterClose)
        {
            // Heartbeats come from adapters that count servers by them; the sharded one counts subscribers.
            return;
        }

        if (!fields.TryGetValue("data", out var dataRange) || !RedisMessagePack.TryReadMap(span[dataRange], out var data))
        {
            Drop(channel, bytes, "no data map");
            return;
        }

        var dataSpan = span[dataRange];
        var requestId = data.TryGetValue("requestId", out var idRange) && RedisMessagePack.TryReadString(dataSpan[idRange], out var id) ? id : null;
        if (data.ContainsKey("requestId") && requestId is null)
        {
            Drop(channel, bytes, "the request id is not a string");
            return;
        }

        switch (type)
        {
            case RedisClusterMessageType.Broadcast:
                HandleBroadcast(channel, bytes, uid, requestId, dataSpan, data);
                break;
            case RedisClusterMessageType.SocketsJoin or RedisClusterMessageType.SocketsLeave or RedisClusterMessageType.DisconnectSockets:
                HandleSelection(channel, bytes, type, dataSpan, data);
                break;
            case RedisClusterMessageType.FetchSockets:
                if (requestId is null || !data.TryGetValue("opts", out var optsRange) || !TryReadOptions(dataSpan[optsRange], out var fetchOptions))
                {
                    Drop(channel, bytes, "a fetch request needs requestId and opts");
                    return;
                }

                var sockets = Select(fetchOptions);
                PublishJson(ResponseChannel(uid), RedisClusterMessageType.FetchSocketsResponse, writer => WriteFetchAnswer(writer, requestId, sockets));
                break;
            case RedisClusterMessageType.FetchSocketsResponse:
                HandleFetchResponse(channel, bytes, requestId, json);
                break;
            case RedisClusterMessageType.ServerSideEmit:
                await HandleServerSideEmitAsync(channel, bytes, uid, requestId, json).ConfigureAwait(false);
                break;
            case RedisClusterMessageType.ServerSideEmitResponse:
                HandleServerSideEmitResponse(channel, bytes, requestId, json);
                break;
            case RedisClusterMessageType.BroadcastClientCount:
                if (requestId is null || !data.TryGetValue("clientCount", out var countRange)
                    || !RedisMessagePack.TryReadInteger(dataSpan[countRange], 0, int.MaxValue, out var count))
                {
                    Drop(channel, bytes, "invalid client count");
                    return;
                }

                if (AckRequests.TryGetValue(requestId, out var counted))
                {
                    counted.OnClientCount((int)count);
                }

                break;
            case RedisClusterMessageType.BroadcastAck:
                if (requestId is null || !data.TryGetValue("packet", out var ackRange))
                {
                    Drop(channel, bytes, "invalid acknowledgement");
                    return;
                }

                if (AckRequests.TryGetValue(requestId, out var acked))
                {
                    if (!RedisPacketCodec.TryDecodeAckValue(dataSpan[ackRange], Limits, out var arguments, out var error))
                    {
                        Drop(channel, bytes, "invalid acknowledgement: " + error);
                        return;
                    }

                    acked.OnResponse(arguments);
                }

                break;
        }
    }

    private void HandleBroadcast(string channel, ReadOnlyMemory<byte> bytes, string uid, string? requestId, ReadOnlySpan<byte> span, Dictionary<string, Range> data)
    {
        if (!data.TryGetValue("packet", out var packetRange) || !data.TryGetValue("opts", out var optsRange))
        {
            Drop(channel, bytes, "a broadcast needs packet and opts");
            return;
        }

        if (!RedisPacketCodec.TryDecodePacket(WithNamespace(span[packetRange]), Limits, out var packet, out var error))
        {
            Drop(channel, bytes, "invalid packet: " + error);
            return;
        }

        if (packet!.Namespace != Namespace.Name || packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent))
        {
            Drop(channel, bytes, "a broadcast must be an event of this namespace");
            return;
        }

        if (!TryReadOptions(span[optsRange], out var options))
        {
            Drop(channel, bytes, "invalid broadcast options");
            return;
        }

        if (requestId is null)
        {
            if (packet.AckId is not null)
            {
                Drop(channel, bytes, "a broadcast without a request id cannot carry an ack id");
                return;
            }

            base.Broadcast(packet, options);
            return;
        }

        packet = WithOwnAckId(packet);

        var responseChannel = ResponseChannel(uid);
        base.BroadcastWithAck(
            packet,
            WithAckTimeout(options),
            count => PublishJson(responseChannel, RedisClusterMessageType.BroadcastClientCount, writer =>
            {
                writer.WriteString("requestId", requestId);
                writer.WriteNumber("clientCount", count);
            }),
            arguments =>
            {
                // An acknowledgement may hold binaries: MessagePack, as Node sends it then.
                var buffer = new ArrayBufferWriter<byte>();
                var writer = new MessagePackBufferWriter(buffer);
                WriteHeader(writer, RedisClusterMessageType.BroadcastAck);
                writer.WriteMapHeader(2);
                writer.WriteString("requestId"u8);
                writer.Write(requestId);
                writer.WriteString("packet"u8);
                buffer.Write(RedisPacketCodec.EncodeAckValue(arguments));
                Backplane.Publish(RedisChannel.Sharded(responseChannel), buffer.WrittenMemory);
            });
    }

    /// <summary>
    /// The ClusterAdapter publishes the packet before socket.io's in-memory adapter stamps its namespace (the message
    /// carries it instead), so a packet map without <c>nsp</c> gets this namespace's; anything else is left to the
    /// decoder to judge.
    /// </summary>
    private ReadOnlySpan<byte> WithNamespace(ReadOnlySpan<byte> packet)
    {
        if (!RedisMessagePack.TryReadMap(packet, out var fields) || fields.ContainsKey("nsp"))
        {
            return packet;
        }

        var buffer = new ArrayBufferWriter<byte>(packet.Length + Namespace.Name.Length + 8);
        var writer = new MessagePackBufferWriter(buffer);
        writer.WriteMapHeader(fields.Count + 1);
        foreach (var (name, range) in fields)
        {
            writer.Write(name);
            buffer.Write(packet[range]);
        }

        writer.WriteString("nsp"u8);
        writer.Write(Namespace.Name);
        return buffer.WrittenSpan;
    }

    private void HandleSelection(string channel, ReadOnlyMemory<byte> bytes, RedisClusterMessageType type, ReadOnlySpan<byte> span, Dictionary<string, Range> data)
    {
        if (!data.TryGetValue("opts", out var optsRange) || !TryReadOptions(span[optsRange], out var options))
        {
            Drop(channel, bytes, "invalid opts");
            return;
        }

        if (type == RedisClusterMessageType.DisconnectSockets)
        {
            base.DisconnectSockets(options, data.TryGetValue("close", out var closeRange) && RedisMessagePack.IsTrue(span[closeRange]));
            return;
        }

        if (!data.TryGetValue("rooms", out var roomsRange) || !RedisMessagePack.TryReadStrings(span[roomsRange], out var rooms))
        {
            Drop(channel, bytes, "invalid rooms");
            return;
        }

        if (type == RedisClusterMessageType.SocketsJoin)
        {
            base.AddSockets(options, rooms);
        }
        else
        {
            base.DeleteSockets(options, rooms);
        }
    }

    private void HandleFetchResponse(string channel, ReadOnlyMemory<byte> bytes, string? requestId, JsonElement? json)
    {
        if (requestId is null || !Requests.TryGetValue(requestId, out var request) || request.Type != RedisRequestType.RemoteFetch)
        {
            // Another server's request, or one that timed out.
            return;
        }

        // Node sends it as MessagePack only when a socket's data holds a binary, which a remote socket here cannot hold.
        if (json is not { } root || !root.GetProperty("data").TryGetProperty("sockets", out var sockets) || sockets.ValueKind != JsonValueKind.Array)
        {
            Drop(channel, bytes, "a fetch answer needs a JSON sockets array");
            return;
        }

        if (!TryAddFetchAnswer(request, sockets))
        {
            Drop(channel, bytes, "invalid socket description");
        }
    }

    private async Task HandleServerSideEmitAsync(string channel, ReadOnlyMemory<byte> bytes, string uid, string? requestId, JsonElement? json)
    {
        // Server-side events cross servers as JSON (a binary argument is refused when sending, here and in Node's JSON).
        if (json is not { } root || !root.GetProperty("data").TryGetProperty("packet", out var data) || !IsServerSideEvent(data))
        {
            Drop(channel, bytes, "server-side emit packet must be JSON [event, ...args]");
            return;
        }

        var answer = await DispatchRemoteServerSideEmitAsync(data).ConfigureAwait(false);
        if (requestId is not null && answer is not null)
        {
            PublishJson(ResponseChannel(uid), RedisClusterMessageType.ServerSideEmitResponse, writer =>
            {
                writer.WriteString("requestId", requestId);
                writer.WritePropertyName("packet");
                writer.WriteRawValue(answer, skipInputValidation: true);
            });
        }
    }

    private void HandleServerSideEmitResponse(string channel, ReadOnlyMemory<byte> bytes, string? requestId, JsonElement? json)
    {
        if (requestId is null || !Requests.TryGetValue(requestId, out var request) || request.Type != RedisRequestType.ServerSideEmit)
        {
            return;
        }

        if (json is not { } root)
        {
            Drop(channel, bytes, "a server-side answer must be JSON");
            return;
        }

        AddServerSideAnswer(request, root.GetProperty("data"), "packet");
    }

    protected override Task PublishRequestAsync(string requestId, RedisRequestType kind, Action<Utf8JsonWriter> writeBody)
    {
        var type = kind == RedisRequestType.RemoteFetch ? RedisClusterMessageType.FetchSockets : RedisClusterMessageType.ServerSideEmit;
        var json = Json(type, writer =>
        {
            writer.WriteString("requestId", requestId);
            writeBody(writer);
        });
        return Backplane.PublishAsync(RedisChannel.Sharded(_channel), json);
    }

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

    /// <summary>The first three fields of a MessagePack message and the <c>data</c> key; the caller writes the value.</summary>
    private void WriteHeader(MessagePackBufferWriter writer, RedisClusterMessageType type)
    {
        writer.WriteMapHeader(4);
        writer.WriteString("uid"u8);
        writer.Write(Uid);
        writer.WriteString("nsp"u8);
        writer.Write(Namespace.Name);
        writer.WriteString("type"u8);
        writer.Write((long)type);
        writer.WriteString("data"u8);
    }

    private void PublishJson(string channel, RedisClusterMessageType type, Action<Utf8JsonWriter> writeData) =>
        Backplane.Publish(RedisChannel.Sharded(channel), Json(type, writeData));

    private ReadOnlyMemory<byte> Json(RedisClusterMessageType type, Action<Utf8JsonWriter> writeData) =>
        WriteJson(writer =>
        {
            writer.WriteString("uid", Uid);
            writer.WriteString("nsp", Namespace.Name);
            writer.WriteNumber("type", (int)type);
            writer.WriteStartObject("data");
            writeData(writer);
            writer.WriteEndObject();
        });

    /// <summary>Socket join/leave for a selection, unless the selection is local.</summary>
    private void PublishRooms(RedisClusterMessageType type, SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        if (!options.Local)
        {
            PublishJson(_channel, type, writer =>
            {
                WriteSelection(writer, options);
                WriteStrings(writer, "rooms", rooms);
            });
        }
    }

    /// <summary>As the classic one, with the ClusterAdapter's empty <c>flags</c>.</summary>
    protected override void WriteSelection(Utf8JsonWriter writer, SocketIOBroadcastOptions options)
    {
        writer.WriteStartObject("opts");
        WriteStrings(writer, "rooms", options.Rooms ?? []);
        WriteStrings(writer, "except", (options.Except ?? []).Distinct(StringComparer.Ordinal));
        writer.WriteStartObject("flags");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
