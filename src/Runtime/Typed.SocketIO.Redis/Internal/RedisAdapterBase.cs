using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using StackExchange.Redis;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// What the classic and the sharded modes of @socket.io/redis-adapter share once a message is decoded: the pending
/// request and acknowledgement bookkeeping, fetchSockets and serverSideEmit with answers, the answers' handling and the
/// notepack <c>opts</c> codec. Each mode keeps its own channels and envelopes (they differ on the wire) and says how a
/// request is published.
/// </summary>
internal abstract class RedisAdapterBase : InMemorySocketIOAdapter
{
    private readonly int _idLength;

    protected RedisAdapterBase(SocketIONamespace ns, RedisBackplane backplane, int idLength)
        : base(ns)
    {
        Backplane = backplane;
        _idLength = idLength;
        Uid = RedisPacketCodec.NewId(idLength);
        var options = ns.Server.Options;
        Limits = new SocketIOParserLimits
        {
            MaxAttachments = options.MaxAttachments,
            MaxDepth = options.MaxDepth,
            MaxNamespaceLength = options.MaxNamespaceLength,
            MaxAttachmentBytes = options.EngineIO.MaxHttpBufferSize,
        };
    }

    protected static JsonDocumentOptions JsonOptions { get; } = new() { MaxDepth = RedisMessagePack.MaxDepth };

    protected RedisBackplane Backplane { get; }

    /// <summary>This server's id in the messages it sends (Node's lengths: 6 bytes classic, 16 sharded).</summary>
    protected string Uid { get; }

    protected SocketIOParserLimits Limits { get; }

    protected ConcurrentDictionary<string, RedisPendingRequest> Requests { get; } = new(StringComparer.Ordinal);

    protected ConcurrentDictionary<string, RedisAckRequest> AckRequests { get; } = new(StringComparer.Ordinal);

    protected TimeSpan RequestTimeout => Backplane.Options.RequestTimeout;

    /// <summary>The name of the field that holds a server-side event's <c>[event, ...args]</c> ("data" or "packet").</summary>
    protected abstract string ServerSideField { get; }

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
            writer.WritePropertyName(ServerSideField);
            writer.WriteRawValue(data.Span, skipInputValidation: true);
        }).ConfigureAwait(false);
        List<SocketIOArguments> responses;
        lock (request.State.Responses)
        {
            responses = [.. request.State.Responses];
        }

        return request.Completed ? responses : throw new SocketIOAckTimeoutException(responses);
    }

    /// <summary>Publishes a JSON request with <paramref name="requestId"/>, in this mode's envelope and channel.</summary>
    protected abstract Task PublishRequestAsync(string requestId, RedisRequestType kind, Action<Utf8JsonWriter> writeBody);

    /// <summary>Writes the <c>opts</c> of a fetchSockets or sockets join/leave/disconnect request.</summary>
    protected abstract void WriteSelection(Utf8JsonWriter writer, SocketIOBroadcastOptions options);

    protected string NewRequestId() => RedisPacketCodec.NewId(_idLength);

    /// <summary>
    /// Publishes a broadcast with acknowledgements under <paramref name="requestId"/>, in this mode's envelope and
    /// channel, for every other server to deliver and answer.
    /// </summary>
    protected abstract void PublishBroadcastWithAck(SocketIOPacket packet, SocketIOBroadcastOptions options, string requestId);

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
                PublishBroadcastWithAck(packet, options, requestId);

                // The entry lives as long as the broadcast's own timeout (as Node), and the number of servers to hear
                // from is asked for once the request is out.
                _ = ForgetAckRequestAsync(requestId, options.AckTimeout);
                _ = ExpectServersAsync(request);
            }
        }

        base.BroadcastWithAck(packet, options, onRecipients, onResponse);
    }

    /// <summary>
    /// Registers a broadcast's acknowledgement request; over the bound (or on a clash) the broadcast stays local and
    /// the placeholder is withdrawn, and false is returned.
    /// </summary>
    private bool TryAddAckRequest(string requestId, RedisAckRequest request)
    {
        if (AckRequests.Count >= Backplane.Options.MaxPendingRequests || !AckRequests.TryAdd(requestId, request))
        {
            request.SetExpectedServers(0);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Node publishes a broadcast's packet before its adapter numbers it, and each server numbers it from its own
    /// counter.
    /// </summary>
    protected SocketIOPacket WithOwnAckId(SocketIOPacket packet) => new()
    {
        Type = packet.Type,
        Namespace = packet.Namespace,
        AckId = NextAckId(),
        Data = packet.Data,
        EventName = packet.EventName,
        Attachments = packet.Attachments,
    };

    /// <summary>A remote broadcast's acknowledgement timeout, or the request timeout when it has none.</summary>
    protected SocketIOBroadcastOptions WithAckTimeout(SocketIOBroadcastOptions options) =>
        options with { AckTimeout = options.AckTimeout > TimeSpan.Zero ? options.AckTimeout : RequestTimeout };

    /// <summary>Writes the answer to a fetchSockets request: the selected sockets' descriptions.</summary>
    protected void WriteFetchAnswer(Utf8JsonWriter writer, string requestId, List<SocketIOSocket> sockets)
    {
        var serializer = Namespace.Server.Options.JsonSerializerOptions;
        writer.WriteString("requestId", requestId);
        writer.WriteStartArray("sockets");
        foreach (var socket in sockets)
        {
            RedisSocketDescription.Write(writer, socket, serializer);
        }

        writer.WriteEndArray();
    }

    /// <summary>Adds one server's fetchSockets answer; false (nothing added) when a description is invalid.</summary>
    protected bool TryAddFetchAnswer(RedisPendingRequest request, JsonElement sockets)
    {
        var found = new List<IRemoteSocket>();
        foreach (var element in sockets.EnumerateArray())
        {
            if (!RedisSocketDescription.TryRead(element, Namespace, out var socket))
            {
                return false;
            }

            found.Add(socket!);
        }

        lock (request.Sockets)
        {
            request.Sockets.AddRange(found);
        }

        request.OnAnswer();
        return true;
    }

    /// <summary>Adds one server's answer to a server-side emit: the value of <paramref name="name"/>, or null.</summary>
    protected static void AddServerSideAnswer(RedisPendingRequest request, JsonElement container, string name)
    {
        var text = container.TryGetProperty(name, out var value) ? "[" + value.GetRawText() + "]" : "[null]";
        var arguments = SocketIOArguments.FromAck(new SocketIOPacket { Type = SocketIOPacketType.Ack, Data = Encoding.UTF8.GetBytes(text) });
        lock (request.Responses)
        {
            request.Responses.Add(arguments);
        }

        request.OnAnswer();
    }

    /// <summary>Whether a server-side emit's value is <c>[event, ...args]</c> with a string event name.</summary>
    protected static bool IsServerSideEvent(JsonElement data) =>
        data.ValueKind == JsonValueKind.Array && data.GetArrayLength() != 0 && data[0].ValueKind == JsonValueKind.String;

    /// <summary>
    /// Runs this server's handler of a remote server-side event; its answer, or null when it has none or failed (a
    /// failure is logged, and no answer is sent, as Node).
    /// </summary>
    protected async Task<byte[]?> DispatchRemoteServerSideEmitAsync(JsonElement data)
    {
        var eventName = data[0].GetString()!;
        var arguments = SocketIOArguments.FromEvent(new SocketIOPacket { Type = SocketIOPacketType.Event, Data = Encoding.UTF8.GetBytes(data.GetRawText()) });
        try
        {
            return await DispatchServerSideEmitAsync(eventName, arguments).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            RedisLog.ServerSideHandlerFailed(Backplane.Logger, eventName, Namespace.Name, exception);
            return null;
        }
    }

    protected void Drop(string channel, ReadOnlyMemory<byte> bytes, string reason) =>
        RedisLog.MessageDropped(Backplane.Logger, channel, Namespace.Name, reason, bytes.Length, RedisPacketCodec.Describe(bytes.Span));

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

    /// <summary>Publishes a JSON request and waits for <paramref name="expected"/> answers or the request timeout.</summary>
    private async Task<(RedisPendingRequest State, bool Completed)> SendRequestAsync(RedisRequestType kind, int expected, Action<Utf8JsonWriter> writeBody)
    {
        if (Requests.Count >= Backplane.Options.MaxPendingRequests)
        {
            throw new InvalidOperationException($"Too many cluster requests pending ({Backplane.Options.MaxPendingRequests}); try again later.");
        }

        var requestId = NewRequestId();
        var request = new RedisPendingRequest(kind, expected);
        Requests[requestId] = request;
        try
        {
            await PublishRequestAsync(requestId, kind, writeBody).ConfigureAwait(false);
            var completed = await Task.WhenAny(request.Completion, Task.Delay(RequestTimeout)).ConfigureAwait(false) == request.Completion;
            return (request, completed);
        }
        finally
        {
            Requests.TryRemove(requestId, out _);
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
            RedisLog.ServerCountFailed(Backplane.Logger, Namespace.Name, exception);
            request.SetExpectedServers(0);
        }
    }

    private async Task ForgetAckRequestAsync(string requestId, TimeSpan timeout)
    {
        await Task.Delay(timeout > TimeSpan.Zero ? timeout : RequestTimeout).ConfigureAwait(false);
        AckRequests.TryRemove(requestId, out _);
    }
}
