using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// socket.io-adapter's <c>ClusterAdapter</c> message codec and handling, shared by the adapters that speak it (the
/// sharded mode of @socket.io/redis-adapter 8.3 and @socket.io/redis-streams-adapter 0.3): every message is
/// <c>{uid, nsp, type, data}</c>, its <c>data</c> as JSON or, when it may carry binaries, as MessagePack. How and where
/// a message travels (which channel, a stream entry or pub/sub) is each subclass's: it implements <see cref="Publish"/>
/// and hands what it receives to <see cref="OnMessageAsync"/>. Everything received is decoded strictly: a JSON message
/// is validated, then read through the same MessagePack readers as a binary one; a malformed or foreign message is
/// logged and dropped.
/// </summary>
internal abstract class RedisClusterAdapter : RedisAdapterBase
{
    protected RedisClusterAdapter(SocketIONamespace ns, RedisBackplane backplane)
        : base(ns, backplane, idLength: 16)
    {
    }

    /// <summary>ClusterAdapter requests and answers carry a server-side event under <c>packet</c>.</summary>
    protected override string ServerSideField => "packet";

    /// <summary>
    /// Sends one message: <paramref name="data"/> is the <c>data</c> value (JSON when <paramref name="isJson"/>, else
    /// MessagePack); to every server when <paramref name="toUid"/> is null, else to that server's answer channel.
    /// Failures are logged and the message dropped.
    /// </summary>
    protected abstract void Publish(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson, string? toUid);

    /// <summary>As <see cref="Publish"/> to every server, for a request whose caller waits: a failure is thrown.</summary>
    protected abstract Task PublishToAllAsync(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson);

    /// <summary>The channel a broadcast with acknowledgements goes on, as MessagePack (every server must answer it).</summary>
    protected abstract RedisChannel BroadcastWithAckChannel { get; }

    protected override void PublishBroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, string requestId)
    {
        var (data, _) = BroadcastData(packet, options, requestId, preferJson: false);
        Backplane.Publish(BroadcastWithAckChannel, PackMessage(RedisClusterMessageType.Broadcast, data));
    }

    /// <summary>
    /// Delivers a broadcast another server sent (without acknowledgements) to this server's sockets. The stream entry
    /// id is <paramref name="offset"/> when it came from a stream, else null.
    /// </summary>
    protected virtual void DeliverRemoteBroadcast(SocketIOPacket packet, SocketIOBroadcastOptions options, string uid, string? offset) =>
        base.Broadcast(packet, options);

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
            Publish(RedisClusterMessageType.DisconnectSockets, WriteJson(writer =>
            {
                WriteSelection(writer, options);
                writer.WriteBoolean("close", close);
            }), isJson: true, toUid: null);
        }

        base.DisconnectSockets(options, close);
    }

    public override void ServerSideEmit(SocketIOPacket packet)
    {
        var data = ServerSideData(packet);
        Publish(RedisClusterMessageType.ServerSideEmit, WriteJson(writer =>
        {
            writer.WritePropertyName("packet");
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        }), isJson: true, toUid: null);
    }

    /// <summary>The whole message as JSON: <c>{"uid","nsp","type","data"}</c> around a JSON <paramref name="data"/>.</summary>
    protected ReadOnlyMemory<byte> JsonMessage(RedisClusterMessageType type, ReadOnlyMemory<byte> data) =>
        WriteJson(writer =>
        {
            writer.WriteString("uid", Uid);
            writer.WriteString("nsp", Namespace.Name);
            writer.WriteNumber("type", (int)type);
            writer.WritePropertyName("data");
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        });

    /// <summary>The whole message as MessagePack around a MessagePack <paramref name="data"/>.</summary>
    protected ReadOnlyMemory<byte> PackMessage(RedisClusterMessageType type, ReadOnlyMemory<byte> data)
    {
        var buffer = new ArrayBufferWriter<byte>(data.Length + Uid.Length + Namespace.Name.Length + 32);
        WriteHeader(new MessagePackBufferWriter(buffer), Uid, Namespace.Name, (long)type);
        buffer.Write(data.Span);
        return buffer.WrittenMemory;
    }

    /// <summary>JSON (our own, valid) as MessagePack.</summary>
    protected static ReadOnlyMemory<byte> ToMessagePack(ReadOnlyMemory<byte> json)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length);
        JsonToMessagePackTranscoder.Write(new MessagePackBufferWriter(buffer), json.Span, []);
        return buffer.WrittenMemory;
    }

    /// <summary>A broadcast's <c>data</c>: <c>{packet, requestId?, opts}</c>, JSON when the packet has no binary.</summary>
    protected static (ReadOnlyMemory<byte> Data, bool IsJson) BroadcastData(SocketIOPacket packet, SocketIOBroadcastOptions options, string? requestId, bool preferJson)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (preferJson && packet.Attachments.Count == 0 && requestId is null)
        {
            // As JSON.stringify(message.data) writes it: the packet has no nsp yet (socket.io stamps it afterwards).
            return (WriteJson(writer =>
            {
                writer.WriteStartObject("packet");
                writer.WriteNumber("type", (int)SocketIOPacketType.Event);
                writer.WritePropertyName("data");
                writer.WriteRawValue(packet.Data.Span, skipInputValidation: true);
                writer.WriteEndObject();
                writer.WriteStartObject("opts");
                WriteStrings(writer, "rooms", options.Rooms ?? []);
                WriteStrings(writer, "except", (options.Except ?? []).Distinct(StringComparer.Ordinal));
                writer.WriteStartObject("flags");
                if (options.Volatile)
                {
                    writer.WriteBoolean("volatile", true);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }), true);
        }

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackBufferWriter(buffer);
        writer.WriteMapHeader(requestId is null ? 2 : 3);
        writer.WriteString("packet"u8);
        buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
        if (requestId is not null)
        {
            writer.WriteString("requestId"u8);
            writer.Write(requestId);
        }

        writer.WriteString("opts"u8);
        WriteOptions(buffer, options, withTimeout: requestId is not null);
        return (buffer.WrittenMemory, false);
    }

    /// <summary>The first three fields of a MessagePack message and the <c>data</c> key; the caller writes the value.</summary>
    internal static void WriteHeader(MessagePackBufferWriter writer, string uid, string nsp, long type)
    {
        writer.WriteMapHeader(4);
        writer.WriteString("uid"u8);
        writer.Write(uid);
        writer.WriteString("nsp"u8);
        writer.Write(nsp);
        writer.WriteString("type"u8);
        writer.Write(type);
        writer.WriteString("data"u8);
    }

    /// <summary>
    /// Any message received, whole (<c>{uid, nsp, type, data}</c>, JSON or MessagePack): handled by type, as Node's
    /// <c>onMessage</c>. <paramref name="offset"/> is its stream entry id when it was read from a stream.
    /// </summary>
    protected async Task OnMessageAsync(string channel, ReadOnlyMemory<byte> bytes, string? offset)
    {
        if (!TryReadMessage(bytes, out var pack, out var document, out var error))
        {
            Drop(channel, bytes, error!);
            return;
        }

        using (document)
        {
            await HandleAsync(channel, bytes, pack, document?.RootElement, offset).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A whole message as MessagePack for the readers: a JSON one (it starts with <c>{</c>) is validated
    /// (depth-bounded) and transcoded, its document kept for the handlers that read JSON.
    /// </summary>
    private static bool TryReadMessage(ReadOnlyMemory<byte> bytes, out ReadOnlyMemory<byte> pack, out JsonDocument? document, out string? error)
    {
        pack = bytes;
        document = null;
        error = null;
        if (bytes.IsEmpty)
        {
            error = "empty";
            return false;
        }

        if (bytes.Span[0] != (byte)'{')
        {
            return true;
        }

        try
        {
            document = JsonDocument.Parse(bytes, JsonOptions);
            var buffer = new ArrayBufferWriter<byte>(bytes.Length);
            JsonToMessagePackTranscoder.Write(new MessagePackBufferWriter(buffer), bytes.Span, []);
            pack = buffer.WrittenMemory;
            return true;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            document?.Dispose();
            document = null;
            error = "malformed JSON";
            return false;
        }
    }

    /// <summary>
    /// Reads a whole message that must be a broadcast without acknowledgements of this namespace (a stream entry read
    /// back to replay it): its packet and options, strictly.
    /// </summary>
    protected bool TryReadBroadcastMessage(ReadOnlyMemory<byte> bytes, out SocketIOPacket? packet, out SocketIOBroadcastOptions options, out string? error)
    {
        packet = null;
        options = default;
        if (!TryReadMessage(bytes, out var pack, out var document, out error))
        {
            return false;
        }

        document?.Dispose();
        var span = pack.Span;
        if (!RedisMessagePack.TryReadMap(span, out var fields) || !fields.TryGetValue("data", out var dataRange)
            || !RedisMessagePack.TryReadMap(span[dataRange], out var data))
        {
            error = "not a {uid, nsp, type, data} message";
            return false;
        }

        if (data.ContainsKey("requestId"))
        {
            error = "a broadcast with acknowledgements is not replayed";
            return false;
        }

        if (!TryReadBroadcast(span[dataRange], data, out packet, out options, out error))
        {
            return false;
        }

        if (packet!.AckId is not null)
        {
            error = "a broadcast without a request id cannot carry an ack id";
            packet = null;
            return false;
        }

        return true;
    }

    private async Task HandleAsync(string channel, ReadOnlyMemory<byte> bytes, ReadOnlyMemory<byte> pack, JsonElement? json, string? offset)
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

        var type = (RedisClusterMessageType)typeNumber;
        if (nsp != Namespace.Name || (uid == Uid && !AcceptsOwn(type)))
        {
            return;
        }

        if (type is RedisClusterMessageType.InitialHeartbeat or RedisClusterMessageType.Heartbeat or RedisClusterMessageType.AdapterClose)
        {
            // Heartbeats come from adapters that count servers by them; these count subscribers.
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
                HandleBroadcast(channel, bytes, uid, requestId, dataSpan, data, offset);
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
                Publish(RedisClusterMessageType.FetchSocketsResponse, WriteJson(writer => WriteFetchAnswer(writer, requestId, sockets)), isJson: true, toUid: uid);
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

    /// <summary>Whether a message this server sent itself is handled when it comes back (Node ignores them all).</summary>
    protected virtual bool AcceptsOwn(RedisClusterMessageType type) => false;

    private void HandleBroadcast(string channel, ReadOnlyMemory<byte> bytes, string uid, string? requestId, ReadOnlySpan<byte> span, Dictionary<string, Range> data, string? offset)
    {
        if (!TryReadBroadcast(span, data, out var packet, out var options, out var error))
        {
            Drop(channel, bytes, error!);
            return;
        }

        if (requestId is null)
        {
            if (packet!.AckId is not null)
            {
                Drop(channel, bytes, "a broadcast without a request id cannot carry an ack id");
                return;
            }

            DeliverRemoteBroadcast(packet, options, uid, offset);
            return;
        }

        if (uid == Uid)
        {
            return;
        }

        packet = WithOwnAckId(packet!);
        base.BroadcastWithAck(
            packet,
            WithAckTimeout(options),
            count => Publish(RedisClusterMessageType.BroadcastClientCount, WriteJson(writer =>
            {
                writer.WriteString("requestId", requestId);
                writer.WriteNumber("clientCount", count);
            }), isJson: true, toUid: uid),
            arguments =>
            {
                // An acknowledgement may hold binaries: MessagePack, as Node sends it then.
                var buffer = new ArrayBufferWriter<byte>();
                var writer = new MessagePackBufferWriter(buffer);
                writer.WriteMapHeader(2);
                writer.WriteString("requestId"u8);
                writer.Write(requestId);
                writer.WriteString("packet"u8);
                buffer.Write(RedisPacketCodec.EncodeAckValue(arguments));
                Publish(RedisClusterMessageType.BroadcastAck, buffer.WrittenMemory, isJson: false, toUid: uid);
            });
    }

    /// <summary>Reads a broadcast's <c>packet</c> (an event of this namespace) and <c>opts</c>, strictly.</summary>
    protected bool TryReadBroadcast(ReadOnlySpan<byte> span, Dictionary<string, Range> data, out SocketIOPacket? packet, out SocketIOBroadcastOptions options, out string? error)
    {
        packet = null;
        options = default;
        if (!data.TryGetValue("packet", out var packetRange) || !data.TryGetValue("opts", out var optsRange))
        {
            error = "a broadcast needs packet and opts";
            return false;
        }

        if (!RedisPacketCodec.TryDecodePacket(WithNamespace(span[packetRange]), Limits, out packet, out var decodeError))
        {
            error = "invalid packet: " + decodeError;
            return false;
        }

        if (packet!.Namespace != Namespace.Name || packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent))
        {
            error = "a broadcast must be an event of this namespace";
            return false;
        }

        if (!TryReadOptions(span[optsRange], out options))
        {
            error = "invalid broadcast options";
            return false;
        }

        error = null;
        return true;
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
            Publish(RedisClusterMessageType.ServerSideEmitResponse, WriteJson(writer =>
            {
                writer.WriteString("requestId", requestId);
                writer.WritePropertyName("packet");
                writer.WriteRawValue(answer, skipInputValidation: true);
            }), isJson: true, toUid: uid);
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
        return PublishToAllAsync(type, WriteJson(writer =>
        {
            writer.WriteString("requestId", requestId);
            writeBody(writer);
        }), isJson: true);
    }

    /// <summary>Socket join/leave for a selection, unless the selection is local.</summary>
    private void PublishRooms(RedisClusterMessageType type, SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        if (!options.Local)
        {
            Publish(type, WriteJson(writer =>
            {
                WriteSelection(writer, options);
                WriteStrings(writer, "rooms", rooms);
            }), isJson: true, toUid: null);
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
