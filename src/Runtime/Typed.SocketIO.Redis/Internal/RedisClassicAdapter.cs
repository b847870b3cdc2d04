using System.Buffers;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// The classic mode of @socket.io/redis-adapter 8.3 (<c>createAdapter(pub, sub)</c>), message for message:
/// broadcasts are notepack arrays <c>[uid, packet, opts]</c> published on <c>prefix#nsp#</c> (or
/// <c>prefix#nsp#room#</c> for a single room) and received through <c>PSUBSCRIBE prefix#nsp#*</c>; requests are JSON
/// (a broadcast with acknowledgements: notepack) on <c>prefix-request#nsp#</c>; answers come on
/// <c>prefix-response#nsp#</c>; the server count is <c>PUBSUB NUMSUB</c> of the request channel. Local delivery is the
/// in-memory adapter's. Everything received is decoded strictly: a malformed or foreign message is logged and dropped.
/// </summary>
internal sealed class RedisClassicAdapter : RedisAdapterBase
{
    private readonly string _channel;
    private readonly string _requestChannel;
    private readonly string _responseChannel;
    private readonly string _specificResponseChannel;

    public RedisClassicAdapter(SocketIONamespace ns, RedisBackplane backplane)
        : base(ns, backplane, idLength: 6)
    {
        var prefix = backplane.Options.KeyPrefix;
        _channel = prefix + "#" + ns.Name + "#";
        _requestChannel = prefix + "-request#" + ns.Name + "#";
        _responseChannel = prefix + "-response#" + ns.Name + "#";
        _specificResponseChannel = _responseChannel + Uid + "#";

        backplane.Subscribe(RedisChannel.Pattern(EscapeGlob(_channel) + "*"), OnBroadcastMessageAsync);
        backplane.Subscribe(RedisChannel.Literal(_requestChannel), OnRequestAsync);
        backplane.Subscribe(RedisChannel.Literal(_responseChannel), OnResponseAsync);
        backplane.Subscribe(RedisChannel.Literal(_specificResponseChannel), OnResponseAsync);
    }

    /// <summary>Classic requests and answers carry a server-side event under <c>data</c>.</summary>
    protected override string ServerSideField => "data";

    public override void Broadcast(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        if (!options.Local)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackBufferWriter(buffer);
            writer.WriteArrayHeader(3);
            writer.Write(Uid);
            buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
            WriteOptions(buffer, options, withTimeout: false);
            var rooms = options.Rooms ?? [];
            var channel = rooms.Count == 1 ? _channel + rooms.First() + "#" : _channel;
            Backplane.Publish(RedisChannel.Literal(channel), buffer.WrittenMemory);
        }

        base.Broadcast(packet, options);
    }

    protected override void PublishBroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, string requestId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackBufferWriter(buffer);
        writer.WriteMapHeader(5);
        writer.WriteString("uid"u8);
        writer.Write(Uid);
        writer.WriteString("requestId"u8);
        writer.Write(requestId);
        writer.WriteString("type"u8);
        writer.Write((long)RedisRequestType.Broadcast);
        writer.WriteString("packet"u8);
        buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
        writer.WriteString("opts"u8);
        WriteOptions(buffer, options, withTimeout: true);
        Backplane.Publish(RedisChannel.Literal(_requestChannel), buffer.WrittenMemory);
    }

    public override void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.AddSockets(options, rooms);
        if (!options.Local)
        {
            PublishJson(_requestChannel, writer =>
            {
                writer.WriteString("uid", Uid);
                writer.WriteNumber("type", (int)RedisRequestType.RemoteJoin);
                WriteSelection(writer, options);
                WriteStrings(writer, "rooms", rooms);
            });
        }
    }

    public override void DeleteSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.DeleteSockets(options, rooms);
        if (!options.Local)
        {
            PublishJson(_requestChannel, writer =>
            {
                writer.WriteString("uid", Uid);
                writer.WriteNumber("type", (int)RedisRequestType.RemoteLeave);
                WriteSelection(writer, options);
                WriteStrings(writer, "rooms", rooms);
            });
        }
    }

    public override void DisconnectSockets(SocketIOBroadcastOptions options, bool close)
    {
        if (!options.Local)
        {
            PublishJson(_requestChannel, writer =>
            {
                writer.WriteString("uid", Uid);
                writer.WriteNumber("type", (int)RedisRequestType.RemoteDisconnect);
                WriteSelection(writer, options);
                writer.WriteBoolean("close", close);
            });
        }

        base.DisconnectSockets(options, close);
    }

    public override void ServerSideEmit(SocketIOPacket packet)
    {
        var data = ServerSideData(packet);
        PublishJson(_requestChannel, writer =>
        {
            writer.WriteString("uid", Uid);
            writer.WriteNumber("type", (int)RedisRequestType.ServerSideEmit);
            writer.WritePropertyName("data");
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        });
    }

    public override async ValueTask<int> ServerCountAsync() =>
        await Backplane.CountSubscribersAsync("NUMSUB", _requestChannel).ConfigureAwait(false);

    /// <summary>A <c>PSUBSCRIBE</c> message: a broadcast from another server.</summary>
    private Task OnBroadcastMessageAsync(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        ReadOnlyMemory<byte> bytes = (byte[]?)message.Message ?? [];
        if (!channel.StartsWith(_channel, StringComparison.Ordinal) || !channel.EndsWith('#'))
        {
            return Task.CompletedTask;
        }

        // A single-room broadcast skips servers without a socket in that room, as Node does.
        var room = channel.Length > _channel.Length ? channel[_channel.Length..^1] : string.Empty;
        if (room.Length != 0 && GetSockets([room]).Count == 0)
        {
            return Task.CompletedTask;
        }

        var span = bytes.Span;
        if (!RedisMessagePack.TryReadArray(span, 3, out var elements) || elements.Count != 3)
        {
            return Dropped(channel, bytes, "not a [uid, packet, opts] array");
        }

        if (!RedisMessagePack.TryReadString(span[elements[0]], out var uid))
        {
            return Dropped(channel, bytes, "the uid is not a string");
        }

        if (uid == Uid)
        {
            return Task.CompletedTask;
        }

        if (!RedisPacketCodec.TryDecodePacket(span[elements[1]], Limits, out var packet, out var error))
        {
            return Dropped(channel, bytes, "invalid packet: " + error);
        }

        if (packet!.Namespace != Namespace.Name)
        {
            return Task.CompletedTask;
        }

        if (packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent) || packet.AckId is not null)
        {
            return Dropped(channel, bytes, "a broadcast must be an event without an ack id");
        }

        if (!TryReadOptions(span[elements[2]], out var options))
        {
            return Dropped(channel, bytes, "invalid broadcast options");
        }

        base.Broadcast(packet, options);
        return Task.CompletedTask;
    }

    /// <summary>A message on the request channel.</summary>
    private async Task OnRequestAsync(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        ReadOnlyMemory<byte> bytes = (byte[]?)message.Message ?? [];
        if (bytes.IsEmpty)
        {
            Drop(channel, bytes, "empty");
            return;
        }

        if (bytes.Span[0] != (byte)'{')
        {
            // Only a broadcast with acknowledgements comes as MessagePack (its packet may hold binaries).
            HandleBroadcastRequest(channel, bytes);
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, JsonOptions);
        }
        catch (JsonException)
        {
            Drop(channel, bytes, "malformed JSON");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGetInt(root, "type", out var type))
            {
                Drop(channel, bytes, "no request type");
                return;
            }

            var uid = GetString(root, "uid");
            var requestId = GetString(root, "requestId");
            switch ((RedisRequestType)type)
            {
                case RedisRequestType.Sockets when requestId is not null && !Requests.ContainsKey(requestId):
                    if (!TryGetStrings(root, "rooms", out var socketRooms))
                    {
                        Drop(channel, bytes, "invalid rooms");
                        return;
                    }

                    PublishJson(ResponseChannelFor(uid), writer =>
                    {
                        writer.WriteString("requestId", requestId);
                        WriteStrings(writer, "sockets", GetSockets(socketRooms));
                    });
                    break;
                case RedisRequestType.AllRooms when requestId is not null && !Requests.ContainsKey(requestId):
                    PublishJson(ResponseChannelFor(uid), writer =>
                    {
                        writer.WriteString("requestId", requestId);
                        var rooms = new HashSet<string>(StringComparer.Ordinal);
                        foreach (var id in GetSockets([]))
                        {
                            rooms.UnionWith(GetSocketRooms(id));
                        }

                        WriteStrings(writer, "rooms", rooms);
                    });
                    break;
                case RedisRequestType.RemoteJoin or RedisRequestType.RemoteLeave or RedisRequestType.RemoteDisconnect:
                    HandleRemoteSelection(channel, bytes, (RedisRequestType)type, uid, requestId, root);
                    break;
                case RedisRequestType.RemoteFetch when requestId is not null && !Requests.ContainsKey(requestId):
                    if (!TryReadSelection(root, out var fetchOptions))
                    {
                        Drop(channel, bytes, "invalid opts");
                        return;
                    }

                    var sockets = Select(fetchOptions);
                    PublishJson(ResponseChannelFor(uid), writer => WriteFetchAnswer(writer, requestId, sockets));
                    break;
                case RedisRequestType.ServerSideEmit when uid != Uid:
                    await HandleServerSideEmitAsync(channel, bytes, root, requestId).ConfigureAwait(false);
                    break;
                case RedisRequestType.Sockets or RedisRequestType.AllRooms or RedisRequestType.RemoteFetch or RedisRequestType.ServerSideEmit:
                    // Our own request, or one without its id.
                    break;
                default:
                    Drop(channel, bytes, "unknown request type");
                    break;
            }
        }
    }

    private void HandleRemoteSelection(string channel, ReadOnlyMemory<byte> bytes, RedisRequestType type, string? uid, string? requestId, JsonElement root)
    {
        if (uid == Uid)
        {
            // Applied locally when sent.
            return;
        }

        if (root.TryGetProperty("opts", out _))
        {
            if (!TryReadSelection(root, out var options))
            {
                Drop(channel, bytes, "invalid opts");
                return;
            }

            if (type == RedisRequestType.RemoteDisconnect)
            {
                base.DisconnectSockets(options, root.TryGetProperty("close", out var close) && close.ValueKind == JsonValueKind.True);
            }
            else if (!TryGetStrings(root, "rooms", out var rooms))
            {
                Drop(channel, bytes, "invalid rooms");
            }
            else if (type == RedisRequestType.RemoteJoin)
            {
                base.AddSockets(options, rooms);
            }
            else
            {
                base.DeleteSockets(options, rooms);
            }

            return;
        }

        // The older form, one socket by id (remoteJoin/remoteLeave/remoteDisconnect of adapter 6.x), answered.
        if (GetString(root, "sid") is not { } sid || !Namespace.TryGetSocket(sid, out var socket))
        {
            return;
        }

        if (type == RedisRequestType.RemoteDisconnect)
        {
            socket.Disconnect(root.TryGetProperty("close", out var close) && close.ValueKind == JsonValueKind.True);
        }
        else if (GetString(root, "room") is { } room)
        {
            if (type == RedisRequestType.RemoteJoin)
            {
                socket.Join(room);
            }
            else
            {
                socket.Leave(room);
            }
        }

        if (requestId is not null)
        {
            PublishJson(ResponseChannelFor(uid), writer => writer.WriteString("requestId", requestId));
        }
    }

    private async Task HandleServerSideEmitAsync(string channel, ReadOnlyMemory<byte> bytes, JsonElement root, string? requestId)
    {
        if (!root.TryGetProperty("data", out var data) || !IsServerSideEvent(data))
        {
            Drop(channel, bytes, "server-side emit data must be [event, ...args]");
            return;
        }

        var answer = await DispatchRemoteServerSideEmitAsync(data).ConfigureAwait(false);
        if (requestId is not null && answer is not null)
        {
            // Node answers server-side emits on the shared response channel.
            PublishJson(_responseChannel, writer =>
            {
                writer.WriteNumber("type", (int)RedisRequestType.ServerSideEmit);
                writer.WriteString("requestId", requestId);
                writer.WritePropertyName("data");
                writer.WriteRawValue(answer, skipInputValidation: true);
            });
        }
    }

    private void HandleBroadcastRequest(string channel, ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (!RedisMessagePack.TryReadMap(span, out var fields)
            || !fields.TryGetValue("type", out var typeRange) || !RedisMessagePack.TryReadInteger(span[typeRange], 0, 100, out var type))
        {
            Drop(channel, bytes, "not a request map");
            return;
        }

        if (type != (long)RedisRequestType.Broadcast)
        {
            Drop(channel, bytes, "unsupported MessagePack request type");
            return;
        }

        if (!fields.TryGetValue("requestId", out var idRange) || !RedisMessagePack.TryReadString(span[idRange], out var requestId)
            || !fields.TryGetValue("packet", out var packetRange) || !fields.TryGetValue("opts", out var optsRange))
        {
            Drop(channel, bytes, "a broadcast request needs requestId, packet and opts");
            return;
        }

        if (AckRequests.ContainsKey(requestId))
        {
            return;
        }

        var uid = fields.TryGetValue("uid", out var uidRange) && RedisMessagePack.TryReadString(span[uidRange], out var text) ? text : null;
        if (!RedisPacketCodec.TryDecodePacket(span[packetRange], Limits, out var packet, out var error))
        {
            Drop(channel, bytes, "invalid packet: " + error);
            return;
        }

        if (packet!.Namespace != Namespace.Name || packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent))
        {
            Drop(channel, bytes, "a broadcast with acknowledgements must be an event of this namespace");
            return;
        }

        packet = WithOwnAckId(packet);

        if (!TryReadOptions(span[optsRange], out var options))
        {
            Drop(channel, bytes, "invalid broadcast options");
            return;
        }

        var responseChannel = ResponseChannelFor(uid);
        base.BroadcastWithAck(
            packet,
            WithAckTimeout(options),
            count => PublishJson(responseChannel, writer =>
            {
                writer.WriteNumber("type", (int)RedisRequestType.BroadcastClientCount);
                writer.WriteString("requestId", requestId);
                writer.WriteNumber("clientCount", count);
            }),
            arguments =>
            {
                var buffer = new ArrayBufferWriter<byte>();
                var writer = new MessagePackBufferWriter(buffer);
                writer.WriteMapHeader(3);
                writer.WriteString("type"u8);
                writer.Write((long)RedisRequestType.BroadcastAck);
                writer.WriteString("requestId"u8);
                writer.Write(requestId);
                writer.WriteString("packet"u8);
                buffer.Write(RedisPacketCodec.EncodeAckValue(arguments));
                Backplane.Publish(RedisChannel.Literal(responseChannel), buffer.WrittenMemory);
            });
    }

    /// <summary>A message on a response channel.</summary>
    private Task OnResponseAsync(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        ReadOnlyMemory<byte> bytes = (byte[]?)message.Message ?? [];
        if (bytes.IsEmpty)
        {
            return Dropped(channel, bytes, "empty");
        }

        if (bytes.Span[0] != (byte)'{')
        {
            HandleMessagePackResponse(channel, bytes);
            return Task.CompletedTask;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, JsonOptions);
        }
        catch (JsonException)
        {
            return Dropped(channel, bytes, "malformed JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || GetString(root, "requestId") is not { } requestId)
            {
                return Dropped(channel, bytes, "no request id");
            }

            if (AckRequests.TryGetValue(requestId, out var ackRequest))
            {
                if (TryGetInt(root, "type", out var type) && type == (int)RedisRequestType.BroadcastClientCount
                    && TryGetInt(root, "clientCount", out var count) && count >= 0)
                {
                    ackRequest.OnClientCount(count);
                    return Task.CompletedTask;
                }

                return Dropped(channel, bytes, "invalid client count");
            }

            if (!Requests.TryGetValue(requestId, out var request))
            {
                // Another server's request, or one that timed out.
                return Task.CompletedTask;
            }

            switch (request.Type)
            {
                case RedisRequestType.RemoteFetch:
                    if (!root.TryGetProperty("sockets", out var sockets) || sockets.ValueKind != JsonValueKind.Array)
                    {
                        return Dropped(channel, bytes, "a fetch answer needs a sockets array");
                    }

                    if (!TryAddFetchAnswer(request, sockets))
                    {
                        return Dropped(channel, bytes, "invalid socket description");
                    }

                    break;
                case RedisRequestType.ServerSideEmit:
                    AddServerSideAnswer(request, root, "data");
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private void HandleMessagePackResponse(string channel, ReadOnlyMemory<byte> bytes)
    {
        var span = bytes.Span;
        if (!RedisMessagePack.TryReadMap(span, out var fields)
            || !fields.TryGetValue("requestId", out var idRange) || !RedisMessagePack.TryReadString(span[idRange], out var requestId)
            || !fields.TryGetValue("type", out var typeRange) || !RedisMessagePack.TryReadInteger(span[typeRange], 0, 100, out var type))
        {
            Drop(channel, bytes, "not a response map");
            return;
        }

        if (!AckRequests.TryGetValue(requestId, out var request))
        {
            return;
        }

        if (type == (long)RedisRequestType.BroadcastAck && fields.TryGetValue("packet", out var packetRange))
        {
            if (!RedisPacketCodec.TryDecodeAckValue(span[packetRange], Limits, out var arguments, out var error))
            {
                Drop(channel, bytes, "invalid acknowledgement: " + error);
                return;
            }

            request.OnResponse(arguments);
        }
        else if (type == (long)RedisRequestType.BroadcastClientCount && fields.TryGetValue("clientCount", out var countRange)
            && RedisMessagePack.TryReadInteger(span[countRange], 0, int.MaxValue, out var count))
        {
            request.OnClientCount((int)count);
        }
        else
        {
            Drop(channel, bytes, "invalid broadcast answer");
        }
    }

    protected override Task PublishRequestAsync(string requestId, RedisRequestType kind, Action<Utf8JsonWriter> writeBody) =>
        Backplane.PublishAsync(RedisChannel.Literal(_requestChannel), WriteJson(writer =>
        {
            writer.WriteString("uid", Uid);
            writer.WriteString("requestId", requestId);
            writer.WriteNumber("type", (int)kind);
            writeBody(writer);
        }));

    private string ResponseChannelFor(string? uid) =>
        Backplane.Options.PublishOnSpecificResponseChannel && uid is not null ? _responseChannel + uid + "#" : _responseChannel;

    private void PublishJson(string channel, Action<Utf8JsonWriter> writeBody) =>
        Backplane.Publish(RedisChannel.Literal(channel), WriteJson(writeBody));

    protected override void WriteSelection(Utf8JsonWriter writer, SocketIOBroadcastOptions options)
    {
        writer.WriteStartObject("opts");
        WriteStrings(writer, "rooms", options.Rooms ?? []);
        WriteStrings(writer, "except", (options.Except ?? []).Distinct(StringComparer.Ordinal));
        writer.WriteEndObject();
    }

    private static bool TryReadSelection(JsonElement root, out SocketIOBroadcastOptions options)
    {
        options = default;
        if (!root.TryGetProperty("opts", out var opts) || opts.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        string[] rooms = [], except = [];
        if ((opts.TryGetProperty("rooms", out _) && !TryGetStrings(opts, "rooms", out rooms))
            || (opts.TryGetProperty("except", out _) && !TryGetStrings(opts, "except", out except)))
        {
            return false;
        }

        options = new SocketIOBroadcastOptions { Rooms = rooms, Except = except, Local = true };
        return true;
    }

    private static bool TryGetStrings(JsonElement element, string name, out string[] values)
    {
        values = [];
        if (!element.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array || array.GetArrayLength() > RedisMessagePack.MaxStrings)
        {
            return false;
        }

        var result = new List<string>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            // socket.io rooms may be numbers in Node; they are keyed as their text here.
            if (item.ValueKind == JsonValueKind.String)
            {
                result.Add(item.GetString()!);
            }
            else if (item.ValueKind == JsonValueKind.Number)
            {
                result.Add(item.GetRawText());
            }
            else
            {
                return false;
            }
        }

        values = [.. result];
        return true;
    }

    private static bool TryGetInt(JsonElement element, string name, out int value)
    {
        value = 0;
        return element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.Number && property.TryGetInt32(out value);
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    /// <summary><see cref="RedisAdapterBase.Drop"/> for the handlers that return a task.</summary>
    private Task Dropped(string channel, ReadOnlyMemory<byte> bytes, string reason)
    {
        Drop(channel, bytes, reason);
        return Task.CompletedTask;
    }

    /// <summary>Escapes the glob characters of a pattern subscription, so a namespace name is matched literally.</summary>
    private static string EscapeGlob(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
