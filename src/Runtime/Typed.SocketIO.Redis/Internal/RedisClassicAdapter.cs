using System.Buffers;
using System.Collections.Concurrent;
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
internal sealed class RedisClassicAdapter : InMemorySocketIOAdapter
{
    private static readonly JsonDocumentOptions s_jsonOptions = new() { MaxDepth = RedisMessagePack.MaxDepth };

    private readonly RedisBackplane _backplane;
    private readonly string _uid = RedisPacketCodec.NewId(6);
    private readonly string _channel;
    private readonly string _requestChannel;
    private readonly string _responseChannel;
    private readonly string _specificResponseChannel;
    private readonly ConcurrentDictionary<string, RedisPendingRequest> _requests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisAckRequest> _ackRequests = new(StringComparer.Ordinal);
    private readonly SocketIOParserLimits _limits;

    public RedisClassicAdapter(SocketIONamespace ns, RedisBackplane backplane)
        : base(ns)
    {
        _backplane = backplane;
        var prefix = backplane.Options.KeyPrefix;
        _channel = prefix + "#" + ns.Name + "#";
        _requestChannel = prefix + "-request#" + ns.Name + "#";
        _responseChannel = prefix + "-response#" + ns.Name + "#";
        _specificResponseChannel = _responseChannel + _uid + "#";
        var options = ns.Server.Options;
        _limits = new SocketIOParserLimits
        {
            MaxAttachments = options.MaxAttachments,
            MaxDepth = options.MaxDepth,
            MaxNamespaceLength = options.MaxNamespaceLength,
            MaxAttachmentBytes = options.EngineIO.MaxHttpBufferSize,
        };

        backplane.Subscribe(RedisChannel.Pattern(EscapeGlob(_channel) + "*"), OnBroadcastMessageAsync);
        backplane.Subscribe(RedisChannel.Literal(_requestChannel), OnRequestAsync);
        backplane.Subscribe(RedisChannel.Literal(_responseChannel), OnResponseAsync);
        backplane.Subscribe(RedisChannel.Literal(_specificResponseChannel), OnResponseAsync);
    }

    private TimeSpan RequestTimeout => _backplane.Options.RequestTimeout;

    public override void Broadcast(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        if (!options.Local)
        {
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackBufferWriter(buffer);
            writer.WriteArrayHeader(3);
            writer.Write(_uid);
            buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
            WriteOptions(buffer, options, withTimeout: false);
            var rooms = options.Rooms ?? [];
            var channel = rooms.Count == 1 ? _channel + rooms.First() + "#" : _channel;
            _backplane.Publish(RedisChannel.Literal(channel), buffer.WrittenMemory);
        }

        base.Broadcast(packet, options);
    }

    public override void BroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, Action<int> onRecipients, Action<SocketIOArguments> onResponse)
    {
        ArgumentNullException.ThrowIfNull(onRecipients);
        ArgumentNullException.ThrowIfNull(onResponse);
        if (!options.Local)
        {
            var requestId = RedisPacketCodec.NewId(6);
            var request = new RedisAckRequest(onRecipients, onResponse);
            if (_ackRequests.Count >= _backplane.Options.MaxPendingRequests || !_ackRequests.TryAdd(requestId, request))
            {
                // Over the bound: this broadcast stays local, the placeholder is withdrawn.
                request.SetExpectedServers(0);
            }
            else
            {
                var buffer = new ArrayBufferWriter<byte>();
                var writer = new MessagePackBufferWriter(buffer);
                writer.WriteMapHeader(5);
                writer.WriteString("uid"u8);
                writer.Write(_uid);
                writer.WriteString("requestId"u8);
                writer.Write(requestId);
                writer.WriteString("type"u8);
                writer.Write((long)RedisRequestType.Broadcast);
                writer.WriteString("packet"u8);
                buffer.Write(RedisPacketCodec.EncodePacket(packet).Span);
                writer.WriteString("opts"u8);
                WriteOptions(buffer, options, withTimeout: true);
                _backplane.Publish(RedisChannel.Literal(_requestChannel), buffer.WrittenMemory);

                // As Node: the entry lives as long as the broadcast's own timeout.
                _ = ForgetAckRequestAsync(requestId, options.AckTimeout);
                _ = ExpectServersAsync(request);
            }
        }

        base.BroadcastWithAck(packet, options, onRecipients, onResponse);
    }

    public override async ValueTask<IReadOnlyList<IRemoteSocket>> FetchSocketsAsync(SocketIOBroadcastOptions options)
    {
        var local = await base.FetchSocketsAsync(options).ConfigureAwait(false);
        if (options.Local)
        {
            return local;
        }

        var servers = await ServerCountAsync().ConfigureAwait(false);
        if (servers <= 1)
        {
            return local;
        }

        var request = await SendRequestAsync(RedisRequestType.RemoteFetch, servers - 1, writer => WriteSelection(writer, options)).ConfigureAwait(false);
        if (!request.Completed)
        {
            throw new TimeoutException("timeout reached while waiting for fetchSockets response");
        }

        lock (request.State.Sockets)
        {
            return [.. local, .. request.State.Sockets];
        }
    }

    public override void AddSockets(SocketIOBroadcastOptions options, IReadOnlyCollection<string> rooms)
    {
        base.AddSockets(options, rooms);
        if (!options.Local)
        {
            PublishJson(_requestChannel, writer =>
            {
                writer.WriteString("uid", _uid);
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
                writer.WriteString("uid", _uid);
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
                writer.WriteString("uid", _uid);
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
            writer.WriteString("uid", _uid);
            writer.WriteNumber("type", (int)RedisRequestType.ServerSideEmit);
            writer.WritePropertyName("data");
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        });
    }

    public override async Task<IReadOnlyList<SocketIOArguments>> ServerSideEmitWithAckAsync(SocketIOPacket packet)
    {
        var data = ServerSideData(packet);
        var others = await ServerCountAsync().ConfigureAwait(false) - 1;
        if (others <= 0)
        {
            return [];
        }

        var request = await SendRequestAsync(RedisRequestType.ServerSideEmit, others, writer =>
        {
            writer.WritePropertyName("data");
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        }).ConfigureAwait(false);
        List<SocketIOArguments> responses;
        lock (request.State.Responses)
        {
            responses = [.. request.State.Responses];
        }

        return request.Completed ? responses : throw new SocketIOAckTimeoutException(responses);
    }

    public override async ValueTask<int> ServerCountAsync() =>
        await _backplane.CountSubscribersAsync("NUMSUB", _requestChannel).ConfigureAwait(false);

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
            return Drop(channel, bytes, "not a [uid, packet, opts] array");
        }

        if (!RedisMessagePack.TryReadString(span[elements[0]], out var uid))
        {
            return Drop(channel, bytes, "the uid is not a string");
        }

        if (uid == _uid)
        {
            return Task.CompletedTask;
        }

        if (!RedisPacketCodec.TryDecodePacket(span[elements[1]], _limits, out var packet, out var error))
        {
            return Drop(channel, bytes, "invalid packet: " + error);
        }

        if (packet!.Namespace != Namespace.Name)
        {
            return Task.CompletedTask;
        }

        if (packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent) || packet.AckId is not null)
        {
            return Drop(channel, bytes, "a broadcast must be an event without an ack id");
        }

        if (!TryReadOptions(span[elements[2]], out var options))
        {
            return Drop(channel, bytes, "invalid broadcast options");
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
            await Drop(channel, bytes, "empty").ConfigureAwait(false);
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
            document = JsonDocument.Parse(bytes, s_jsonOptions);
        }
        catch (JsonException)
        {
            await Drop(channel, bytes, "malformed JSON").ConfigureAwait(false);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !TryGetInt(root, "type", out var type))
            {
                await Drop(channel, bytes, "no request type").ConfigureAwait(false);
                return;
            }

            var uid = GetString(root, "uid");
            var requestId = GetString(root, "requestId");
            switch ((RedisRequestType)type)
            {
                case RedisRequestType.Sockets when requestId is not null && !_requests.ContainsKey(requestId):
                    if (!TryGetStrings(root, "rooms", out var socketRooms))
                    {
                        await Drop(channel, bytes, "invalid rooms").ConfigureAwait(false);
                        return;
                    }

                    PublishJson(ResponseChannelFor(uid), writer =>
                    {
                        writer.WriteString("requestId", requestId);
                        WriteStrings(writer, "sockets", GetSockets(socketRooms));
                    });
                    break;
                case RedisRequestType.AllRooms when requestId is not null && !_requests.ContainsKey(requestId):
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
                case RedisRequestType.RemoteFetch when requestId is not null && !_requests.ContainsKey(requestId):
                    if (!TryReadSelection(root, out var fetchOptions))
                    {
                        await Drop(channel, bytes, "invalid opts").ConfigureAwait(false);
                        return;
                    }

                    var sockets = Select(fetchOptions);
                    var serializer = Namespace.Server.Options.JsonSerializerOptions;
                    PublishJson(ResponseChannelFor(uid), writer =>
                    {
                        writer.WriteString("requestId", requestId);
                        writer.WriteStartArray("sockets");
                        foreach (var socket in sockets)
                        {
                            RedisSocketDescription.Write(writer, socket, serializer);
                        }

                        writer.WriteEndArray();
                    });
                    break;
                case RedisRequestType.ServerSideEmit when uid != _uid:
                    await HandleServerSideEmitAsync(channel, bytes, root, requestId).ConfigureAwait(false);
                    break;
                case RedisRequestType.Sockets or RedisRequestType.AllRooms or RedisRequestType.RemoteFetch or RedisRequestType.ServerSideEmit:
                    // Our own request, or one without its id.
                    break;
                default:
                    await Drop(channel, bytes, "unknown request type").ConfigureAwait(false);
                    break;
            }
        }
    }

    private void HandleRemoteSelection(string channel, ReadOnlyMemory<byte> bytes, RedisRequestType type, string? uid, string? requestId, JsonElement root)
    {
        if (uid == _uid)
        {
            // Applied locally when sent.
            return;
        }

        if (root.TryGetProperty("opts", out _))
        {
            if (!TryReadSelection(root, out var options))
            {
                _ = Drop(channel, bytes, "invalid opts");
                return;
            }

            if (type == RedisRequestType.RemoteDisconnect)
            {
                base.DisconnectSockets(options, root.TryGetProperty("close", out var close) && close.ValueKind == JsonValueKind.True);
            }
            else if (!TryGetStrings(root, "rooms", out var rooms))
            {
                _ = Drop(channel, bytes, "invalid rooms");
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
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0
            || data[0].ValueKind != JsonValueKind.String)
        {
            await Drop(channel, bytes, "server-side emit data must be [event, ...args]").ConfigureAwait(false);
            return;
        }

        var eventName = data[0].GetString()!;
        var json = Encoding.UTF8.GetBytes(data.GetRawText());
        var arguments = SocketIOArguments.FromEvent(new SocketIOPacket { Type = SocketIOPacketType.Event, Data = json });
        byte[]? answer;
        try
        {
            answer = await DispatchServerSideEmitAsync(eventName, arguments).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            RedisLog.ServerSideHandlerFailed(_backplane.Logger, eventName, Namespace.Name, exception);
            return;
        }

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
            _ = Drop(channel, bytes, "not a request map");
            return;
        }

        if (type != (long)RedisRequestType.Broadcast)
        {
            _ = Drop(channel, bytes, "unsupported MessagePack request type");
            return;
        }

        if (!fields.TryGetValue("requestId", out var idRange) || !RedisMessagePack.TryReadString(span[idRange], out var requestId)
            || !fields.TryGetValue("packet", out var packetRange) || !fields.TryGetValue("opts", out var optsRange))
        {
            _ = Drop(channel, bytes, "a broadcast request needs requestId, packet and opts");
            return;
        }

        if (_ackRequests.ContainsKey(requestId))
        {
            return;
        }

        var uid = fields.TryGetValue("uid", out var uidRange) && RedisMessagePack.TryReadString(span[uidRange], out var text) ? text : null;
        if (!RedisPacketCodec.TryDecodePacket(span[packetRange], _limits, out var packet, out var error))
        {
            _ = Drop(channel, bytes, "invalid packet: " + error);
            return;
        }

        if (packet!.Namespace != Namespace.Name || packet.Type is not (SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent))
        {
            _ = Drop(channel, bytes, "a broadcast with acknowledgements must be an event of this namespace");
            return;
        }

        // Node publishes the packet before its adapter numbers it, and each server numbers it from its own counter.
        packet = new SocketIOPacket
        {
            Type = packet.Type,
            Namespace = packet.Namespace,
            AckId = NextAckId(),
            Data = packet.Data,
            EventName = packet.EventName,
            Attachments = packet.Attachments,
        };

        if (!TryReadOptions(span[optsRange], out var options))
        {
            _ = Drop(channel, bytes, "invalid broadcast options");
            return;
        }

        var responseChannel = ResponseChannelFor(uid);
        base.BroadcastWithAck(
            packet,
            options with { AckTimeout = options.AckTimeout > TimeSpan.Zero ? options.AckTimeout : RequestTimeout },
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
                _backplane.Publish(RedisChannel.Literal(responseChannel), buffer.WrittenMemory);
            });
    }

    /// <summary>A message on a response channel.</summary>
    private Task OnResponseAsync(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        ReadOnlyMemory<byte> bytes = (byte[]?)message.Message ?? [];
        if (bytes.IsEmpty)
        {
            return Drop(channel, bytes, "empty");
        }

        if (bytes.Span[0] != (byte)'{')
        {
            HandleMessagePackResponse(channel, bytes);
            return Task.CompletedTask;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, s_jsonOptions);
        }
        catch (JsonException)
        {
            return Drop(channel, bytes, "malformed JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || GetString(root, "requestId") is not { } requestId)
            {
                return Drop(channel, bytes, "no request id");
            }

            if (_ackRequests.TryGetValue(requestId, out var ackRequest))
            {
                if (TryGetInt(root, "type", out var type) && type == (int)RedisRequestType.BroadcastClientCount
                    && TryGetInt(root, "clientCount", out var count) && count >= 0)
                {
                    ackRequest.OnClientCount(count);
                    return Task.CompletedTask;
                }

                return Drop(channel, bytes, "invalid client count");
            }

            if (!_requests.TryGetValue(requestId, out var request))
            {
                // Another server's request, or one that timed out.
                return Task.CompletedTask;
            }

            switch (request.Type)
            {
                case RedisRequestType.RemoteFetch:
                    if (!root.TryGetProperty("sockets", out var sockets) || sockets.ValueKind != JsonValueKind.Array)
                    {
                        return Drop(channel, bytes, "a fetch answer needs a sockets array");
                    }

                    var found = new List<IRemoteSocket>();
                    foreach (var element in sockets.EnumerateArray())
                    {
                        if (!RedisSocketDescription.TryRead(element, Namespace, out var socket))
                        {
                            return Drop(channel, bytes, "invalid socket description");
                        }

                        found.Add(socket!);
                    }

                    lock (request.Sockets)
                    {
                        request.Sockets.AddRange(found);
                    }

                    request.OnAnswer();
                    break;
                case RedisRequestType.ServerSideEmit:
                    var data = root.TryGetProperty("data", out var value) ? "[" + value.GetRawText() + "]" : "[null]";
                    var arguments = SocketIOArguments.FromAck(new SocketIOPacket { Type = SocketIOPacketType.Ack, Data = Encoding.UTF8.GetBytes(data) });
                    lock (request.Responses)
                    {
                        request.Responses.Add(arguments);
                    }

                    request.OnAnswer();
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
            _ = Drop(channel, bytes, "not a response map");
            return;
        }

        if (!_ackRequests.TryGetValue(requestId, out var request))
        {
            return;
        }

        if (type == (long)RedisRequestType.BroadcastAck && fields.TryGetValue("packet", out var packetRange))
        {
            if (!RedisPacketCodec.TryDecodeAckValue(span[packetRange], _limits, out var arguments, out var error))
            {
                _ = Drop(channel, bytes, "invalid acknowledgement: " + error);
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
            _ = Drop(channel, bytes, "invalid broadcast answer");
        }
    }

    /// <summary>Publishes a JSON request and waits for <paramref name="expected"/> answers or the request timeout.</summary>
    private async Task<(RedisPendingRequest State, bool Completed)> SendRequestAsync(RedisRequestType type, int expected, Action<Utf8JsonWriter> writeBody)
    {
        if (_requests.Count >= _backplane.Options.MaxPendingRequests)
        {
            throw new InvalidOperationException($"Too many cluster requests pending ({_backplane.Options.MaxPendingRequests}); try again later.");
        }

        var requestId = RedisPacketCodec.NewId(6);
        var request = new RedisPendingRequest(type, expected);
        _requests[requestId] = request;
        try
        {
            var json = WriteJson(writer =>
            {
                writer.WriteString("uid", _uid);
                writer.WriteString("requestId", requestId);
                writer.WriteNumber("type", (int)type);
                writeBody(writer);
            });
            await _backplane.PublishAsync(RedisChannel.Literal(_requestChannel), json).ConfigureAwait(false);
            var completed = await Task.WhenAny(request.Completion, Task.Delay(RequestTimeout)).ConfigureAwait(false) == request.Completion;
            return (request, completed);
        }
        finally
        {
            _requests.TryRemove(requestId, out _);
        }
    }

    private async Task ExpectServersAsync(RedisAckRequest request)
    {
        try
        {
            request.SetExpectedServers(await ServerCountAsync().ConfigureAwait(false) - 1);
        }
        catch (Exception exception) when (exception is RedisException or InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.ServerCountFailed(_backplane.Logger, Namespace.Name, exception);
            request.SetExpectedServers(0);
        }
    }

    private async Task ForgetAckRequestAsync(string requestId, TimeSpan timeout)
    {
        await Task.Delay(timeout > TimeSpan.Zero ? timeout : RequestTimeout).ConfigureAwait(false);
        _ackRequests.TryRemove(requestId, out _);
    }

    private string ResponseChannelFor(string? uid) =>
        _backplane.Options.PublishOnSpecificResponseChannel && uid is not null ? _responseChannel + uid + "#" : _responseChannel;

    private void PublishJson(string channel, Action<Utf8JsonWriter> writeBody) =>
        _backplane.Publish(RedisChannel.Literal(channel), WriteJson(writeBody));

    internal static ReadOnlyMemory<byte> WriteJson(Action<Utf8JsonWriter> writeBody)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeBody(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    internal static ReadOnlyMemory<byte> ServerSideData(SocketIOPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);

        // Node sends server-side events as JSON: a binary would arrive as {"type":"Buffer",...}, so it is refused here.
        if (packet.Attachments.Count != 0)
        {
            throw new NotSupportedException("Server-side events cross servers as JSON and cannot carry binary arguments.");
        }

        return packet.Data;
    }

    internal static void WriteSelection(Utf8JsonWriter writer, SocketIOBroadcastOptions options)
    {
        writer.WriteStartObject("opts");
        WriteStrings(writer, "rooms", options.Rooms ?? []);
        WriteStrings(writer, "except", (options.Except ?? []).Distinct(StringComparer.Ordinal));
        writer.WriteEndObject();
    }

    internal static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    internal static void WriteOptions(ArrayBufferWriter<byte> buffer, SocketIOBroadcastOptions options, bool withTimeout)
    {
        var writer = new MessagePackBufferWriter(buffer);
        var rooms = options.Rooms ?? [];
        var except = (options.Except ?? []).Distinct(StringComparer.Ordinal).ToList();
        writer.WriteMapHeader(3);
        writer.WriteString("rooms"u8);
        writer.WriteArrayHeader(rooms.Count);
        foreach (var room in rooms)
        {
            writer.Write(room);
        }

        writer.WriteString("except"u8);
        writer.WriteArrayHeader(except.Count);
        foreach (var room in except)
        {
            writer.Write(room);
        }

        writer.WriteString("flags"u8);
        writer.WriteMapHeader((options.Volatile ? 1 : 0) + (withTimeout ? 1 : 0));
        if (options.Volatile)
        {
            writer.WriteString("volatile"u8);
            writer.Write(true);
        }

        if (withTimeout)
        {
            writer.WriteString("timeout"u8);
            writer.Write((long)options.AckTimeout.TotalMilliseconds);
        }
    }

    /// <summary>Reads <c>{rooms, except, flags?}</c>; only <c>flags.volatile</c> and <c>flags.timeout</c> are used.</summary>
    internal static bool TryReadOptions(ReadOnlySpan<byte> value, out SocketIOBroadcastOptions options)
    {
        options = default;
        if (!RedisMessagePack.TryReadMap(value, out var fields))
        {
            return false;
        }

        string[] rooms = [], except = [];
        if ((fields.TryGetValue("rooms", out var roomsRange) && !RedisMessagePack.TryReadStrings(value[roomsRange], out rooms))
            || (fields.TryGetValue("except", out var exceptRange) && !RedisMessagePack.TryReadStrings(value[exceptRange], out except)))
        {
            return false;
        }

        var isVolatile = false;
        var timeout = TimeSpan.Zero;
        if (fields.TryGetValue("flags", out var flagsRange) && !(value[flagsRange].Length == 1 && value[flagsRange][0] == 0xc0))
        {
            var flagsSpan = value[flagsRange];
            if (!RedisMessagePack.TryReadMap(flagsSpan, out var flags))
            {
                return false;
            }

            isVolatile = flags.TryGetValue("volatile", out var volatileRange) && RedisMessagePack.IsTrue(flagsSpan[volatileRange]);
            if (flags.TryGetValue("timeout", out var timeoutRange) && RedisMessagePack.TryReadInteger(flagsSpan[timeoutRange], 0, int.MaxValue, out var milliseconds))
            {
                timeout = TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        options = new SocketIOBroadcastOptions { Rooms = rooms, Except = except, Volatile = isVolatile, Local = true, AckTimeout = timeout };
        return true;
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

    private Task Drop(string channel, ReadOnlyMemory<byte> bytes, string reason)
    {
        RedisLog.MessageDropped(_backplane.Logger, channel, Namespace.Name, reason, bytes.Length, RedisPacketCodec.Describe(bytes.Span));
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
