using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using StackExchange.Redis;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// @socket.io/redis-streams-adapter 0.3 (a socket.io-adapter <c>ClusterAdapter</c>, whose messages
/// <see cref="RedisClusterAdapter"/> reads and writes), message for message. Broadcasts without acknowledgements, room
/// changes and disconnections are <c>XADD</c>ed (<c>MAXLEN ~</c>) to the stream as the entry
/// <c>{uid, nsp, type: "N", data}</c>, <c>data</c> the JSON of the message's data or, when it holds binaries, the base64
/// of its MessagePack; every server reads the stream in order (<see cref="RedisStreamReader"/>). Requests
/// (fetchSockets, serverSideEmit) and broadcasts with acknowledgements go as whole MessagePack messages on the pub/sub
/// channel <c>prefix#nsp#</c>, answers on <c>prefix#nsp#uid#</c>; the server count is <c>PUBSUB NUMSUB</c> of the
/// first.
/// <para>
/// With connection state recovery on, a replayable broadcast's offset is its entry id, and this server delivers its
/// own replayable broadcasts from the stream too (not when XADD answers, as Node does), so each socket receives every
/// replayable packet in stream order, from one place. Sessions are kept in Redis (<c>sessionKeyPrefix + pid</c>, as
/// Node). A restore reads the missed entries (XRANGE) up to the stream's end L, then, under the delivery lock, replays
/// those the read loop has already passed (up to D) plus the ones it delivered between L and D (a short in-memory
/// record of recent deliveries), and rejoins the rooms: the loop delivers everything after D live. No entry is lost
/// between the two paths, none arrives on both.
/// </para>
/// <para>
/// Each server reads the stream at its own pace, so the one a client recovers on may not yet have read as far as the
/// one it came from: D can be before the client's offset, and the loop would then deliver live, a second time,
/// the entries between D and the offset that the client received elsewhere. A restore therefore first waits (at most
/// <see cref="SocketIORedisOptions.RequestTimeout"/>) until this server's loop has handed over the offset's entry.
/// </para>
/// </summary>
internal sealed class RedisStreamsAdapter : RedisClusterAdapter
{
    private const int RangePage = 1000;

    private readonly string _publicChannel;
    private readonly string _streamName;
    private readonly SocketIOConnectionStateRecoveryOptions? _recovery;
    private readonly RedisStreamReader _reader;
    private readonly object _deliveryGate = new();
    private readonly Queue<(RedisStreamId Id, SocketIOPacket Packet, SocketIOBroadcastOptions Options, long Bytes)> _recent = new();
    private readonly ConditionalWeakTable<SocketIOSession, RedisPendingRestore> _pending = [];
    private readonly List<(RedisStreamId Offset, TaskCompletionSource Reached)> _readWaiters = [];
    private long _recentBytes;
    private RedisStreamId _delivered;
    private RedisStreamId _recentFloor;

    /// <summary>The last entry of this namespace the read loop has handed over (delivered, or dropped).</summary>
    private RedisStreamId _read;

    public RedisStreamsAdapter(SocketIONamespace ns, RedisBackplane backplane)
        : base(ns, backplane)
    {
        _reader = backplane.StreamReader ?? throw new InvalidOperationException("The backplane is not in streams mode.");
        _streamName = backplane.Options.StreamName;
        _recovery = ns.Server.Options.ConnectionStateRecovery;
        _publicChannel = backplane.Options.KeyPrefix + "#" + ns.Name + "#";
        backplane.Subscribe(RedisChannel.Literal(_publicChannel), OnChannelMessageAsync);
        backplane.Subscribe(RedisChannel.Literal(_publicChannel + Uid + "#"), OnChannelMessageAsync);
        _reader.Register(ns.Name, this);
    }

    public override void Broadcast(SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (options.Local)
        {
            // Not in the stream, so no offset: delivered as is, as Node's in-memory path does.
            DeliverUnnumbered(packet, options);
            return;
        }

        var (data, isJson) = BroadcastData(packet, options, requestId: null, preferJson: true);
        var fields = EntryFields(RedisClusterMessageType.Broadcast, data, isJson);
        if (_recovery is not null && IsReplayable(packet, options))
        {
            // Delivered here when the read loop reads it back, numbered and in stream order.
            _ = AddOrDeliverAsync(fields, packet, options);
            return;
        }

        _ = AddLoggedAsync(fields);
        DeliverUnnumbered(packet, options);
    }

    // Ephemeral (Node's isEphemeral): pub/sub, not the stream.
    protected override RedisChannel BroadcastWithAckChannel => RedisChannel.Literal(_publicChannel);

    public override async ValueTask<int> ServerCountAsync() =>
        await Backplane.CountSubscribersAsync("NUMSUB", _publicChannel).ConfigureAwait(false);

    public override void PersistSession(SocketIOSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_recovery is { } recovery)
        {
            _ = PersistLoggedAsync(RedisSessionCodec.Encode(session, Namespace.Server.Options.JsonSerializerOptions), session.Pid, recovery.MaxDisconnectionDuration);
        }
    }

    public override async ValueTask<SocketIOSession?> TakeSessionAsync(string pid, string offset)
    {
        ArgumentNullException.ThrowIfNull(pid);
        ArgumentNullException.ThrowIfNull(offset);
        if (_recovery is not { } recovery)
        {
            return null;
        }

        if (!RedisStreamId.TryParse(offset, out var last))
        {
            return NotRecovered("invalid offset");
        }

        try
        {
            var database = Backplane.Database;

            // Taken (GETDEL): single-use whatever happens next, as Node's GET+DEL transaction.
            var stored = await database.StringGetDeleteAsync(Backplane.Options.SessionKeyPrefix + pid).ConfigureAwait(false);
            if (stored.IsNull)
            {
                return NotRecovered("unknown or expired session");
            }

            var at = await database.StreamRangeAsync(_streamName, offset, offset, count: 1).ConfigureAwait(false);
            if (at.Length == 0)
            {
                return NotRecovered("the offset is no longer in the stream");
            }

            var session = RedisSessionCodec.Decode(stored.ToString(), pid, Limits, out var invalid);
            if (session is null)
            {
                Drop("session " + Backplane.Options.SessionKeyPrefix, Encoding.UTF8.GetBytes(stored.ToString()), invalid!);
                return null;
            }

            // The client received everything up to the offset, perhaps from a server that reads the stream ahead of
            // this one: restored before this loop has read that far, it would get those entries again, live.
            if (!await WaitUntilReadAsync(last).ConfigureAwait(false))
            {
                return NotRecovered("this server's stream reader did not reach the offset within the request timeout");
            }

            // Every entry after the offset, page by page, up to the stream's end L; the stream is capped, so is the walk.
            var missed = new List<(RedisStreamId Id, SocketIOPacket Packet)>();
            long bytes = 0;
            var scanned = 0L;
            var maxScan = (2L * Backplane.Options.StreamMaxLength) + RangePage;
            while (true)
            {
                var page = await database.StreamRangeAsync(_streamName, "(" + last, "+", count: RangePage).ConfigureAwait(false);
                foreach (var entry in page)
                {
                    if (!RedisStreamId.TryParse(entry.Id, out var id) || id <= last)
                    {
                        continue;
                    }

                    last = id;
                    if (FindField(entry.Values, "nsp") != Namespace.Name || FindField(entry.Values, "type") != "3"
                        || !TryReadEntry(id, entry.Values, out var packet, out var options)
                        || !IsReplayable(packet!, options) || !Includes(session.Rooms, options))
                    {
                        continue;
                    }

                    var numbered = WithOffset(packet!, id.ToString());
                    missed.Add((id, numbered));
                    bytes += Size(numbered);
                    if (missed.Count > recovery.MaxPacketsPerSession || bytes > recovery.MaxBytesPerSession)
                    {
                        return NotRecovered("it missed more than the per-session caps");
                    }
                }

                scanned += page.Length;
                if (page.Length < RangePage)
                {
                    break;
                }

                if (scanned > maxScan)
                {
                    return NotRecovered("the stream grows faster than it can be read");
                }
            }

            _pending.AddOrUpdate(session, new RedisPendingRestore(missed, last));
            return session;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or InvalidOperationException)
        {
            return NotRecovered("Redis is unreachable (" + exception.GetType().Name + ")");
        }
    }

    public override bool TryRestoreSession(SocketIOSocket socket, SocketIOSession session, string offset)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(session);
        if (_recovery is null || !_pending.TryGetValue(session, out var pending))
        {
            return false;
        }

        _pending.Remove(session);
        var start = _reader.StartPosition;
        lock (_deliveryGate)
        {
            // D: the read loop has delivered every replayable entry up to here (entries before its start, never).
            var delivered = _delivered > start ? _delivered : start;
            var floor = _recentFloor > start ? _recentFloor : start;
            if (floor > pending.Last)
            {
                // Entries between the XRANGE and now were delivered and already forgotten.
                return false;
            }

            foreach (var (id, packet) in pending.Missed)
            {
                if (id <= delivered)
                {
                    DeliverUnnumbered(socket, packet);
                }
            }

            foreach (var recent in _recent)
            {
                if (recent.Id > pending.Last && recent.Id <= delivered && Includes(session.Rooms, recent.Options))
                {
                    DeliverUnnumbered(socket, recent.Packet);
                }
            }

            // In its rooms before the loop delivers anything after D: that arrives live, once.
            AddAll(socket.Id, session.Rooms.Count > 0 ? session.Rooms : [socket.Id]);
        }

        return true;
    }

    /// <summary>Called by the read loop, in stream order, for each entry of this namespace.</summary>
    public async Task OnStreamEntryAsync(RedisStreamId id, NameValueEntry[] fields)
    {
        try
        {
            if (!TryBuildMessage(fields, out var message, out var error))
            {
                Drop("stream " + _streamName + " " + id, message, error!);
                return;
            }

            await OnMessageAsync("stream " + _streamName, message, id.ToString()).ConfigureAwait(false);
        }
        finally
        {
            MarkRead(id);
        }
    }

    /// <summary>The loop has handed over <paramref name="id"/>: restores waiting for it may go on.</summary>
    private void MarkRead(RedisStreamId id)
    {
        lock (_deliveryGate)
        {
            _read = id;
            for (var i = _readWaiters.Count - 1; i >= 0; i--)
            {
                if (_readWaiters[i].Offset <= id)
                {
                    _readWaiters[i].Reached.TrySetResult();
                    _readWaiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>
    /// Waits until the read loop has handed over the entry <paramref name="offset"/> (or started after it), at most
    /// <see cref="SocketIORedisOptions.RequestTimeout"/>; false when it did not get there in time.
    /// </summary>
    private async Task<bool> WaitUntilReadAsync(RedisStreamId offset)
    {
        TaskCompletionSource reached;
        lock (_deliveryGate)
        {
            if (_read >= offset || _reader.StartPosition >= offset)
            {
                return true;
            }

            reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _readWaiters.Add((offset, reached));
        }

        try
        {
            await reached.Task.WaitAsync(Backplane.Options.RequestTimeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            lock (_deliveryGate)
            {
                _readWaiters.Remove((offset, reached));
            }

            return false;
        }
    }

    /// <summary>The value of a stream entry's field, or null.</summary>
    public static RedisValue FindField(NameValueEntry[] fields, string name)
    {
        foreach (var field in fields)
        {
            if (field.Name == name)
            {
                return field.Value;
            }
        }

        return RedisValue.Null;
    }

    /// <summary>With recovery on, this server's own replayable broadcasts come back from the stream to be delivered.</summary>
    protected override bool AcceptsOwn(RedisClusterMessageType type) => type == RedisClusterMessageType.Broadcast && _recovery is not null;

    protected override void DeliverRemoteBroadcast(SocketIOPacket packet, SocketIOBroadcastOptions options, string uid, string? offset)
    {
        if (offset is null || !RedisStreamId.TryParse(offset, out var id))
        {
            // Not from the stream (Node never sends one so): delivered as is.
            if (uid != Uid)
            {
                DeliverUnnumbered(packet, options);
            }

            return;
        }

        var replayable = _recovery is not null && IsReplayable(packet, options);
        if (!replayable)
        {
            if (uid != Uid)
            {
                DeliverUnnumbered(packet, options);
            }

            return;
        }

        var numbered = WithOffset(packet, offset);
        lock (_deliveryGate)
        {
            if (id <= _delivered)
            {
                return;
            }

            DeliverUnnumbered(numbered, options);
            _delivered = id;
            Remember(id, numbered, options);
        }
    }

    protected override void Publish(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson, string? toUid)
    {
        if (toUid is not null || type is RedisClusterMessageType.FetchSockets or RedisClusterMessageType.ServerSideEmit)
        {
            // Answers and requests are ephemeral: whole MessagePack messages over pub/sub, as Node's.
            var channel = toUid is null ? _publicChannel : _publicChannel + toUid + "#";
            Backplane.Publish(RedisChannel.Literal(channel), PackMessage(type, isJson ? ToMessagePack(data) : data));
            return;
        }

        _ = AddLoggedAsync(EntryFields(type, data, isJson));
    }

    protected override Task PublishToAllAsync(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson) =>
        Backplane.PublishAsync(RedisChannel.Literal(_publicChannel), PackMessage(type, isJson ? ToMessagePack(data) : data));

    /// <summary>socket.io's <c>shouldIncludePacket</c>: to one of the session's rooms (or to all), and to none it excepts.</summary>
    private static bool Includes(IReadOnlyCollection<string> rooms, SocketIOBroadcastOptions options)
    {
        var included = options.Rooms is not { Count: > 0 } targets || rooms.Any(targets.Contains);
        return included && (options.Except is not { Count: > 0 } except || !rooms.Any(except.Contains));
    }

    private static long Size(SocketIOPacket packet)
    {
        long size = packet.Data.Length;
        foreach (var attachment in packet.Attachments)
        {
            size += attachment.Length;
        }

        return size;
    }

    /// <summary>Keeps a delivered replayable packet for restores in flight, bounded like the in-memory replay buffer.</summary>
    private void Remember(RedisStreamId id, SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        var size = Size(packet);
        _recent.Enqueue((id, packet, options, size));
        _recentBytes += size;
        while (_recent.Count > Math.Max(1, _recovery!.MaxBufferedPackets) || (_recentBytes > _recovery.MaxBufferedBytes && _recent.Count > 1))
        {
            var evicted = _recent.Dequeue();
            _recentBytes -= evicted.Bytes;
            _recentFloor = evicted.Id;
        }
    }

    private SocketIOSession? NotRecovered(string reason)
    {
        RedisLog.SessionNotRecovered(Backplane.Logger, Namespace.Name, reason);
        return null;
    }

    /// <summary>Reads a stream entry back as a broadcast without acknowledgements; a malformed one is dropped and logged.</summary>
    private bool TryReadEntry(RedisStreamId id, NameValueEntry[] fields, out SocketIOPacket? packet, out SocketIOBroadcastOptions options)
    {
        packet = null;
        options = default;
        if (!TryBuildMessage(fields, out var message, out var error) || !TryReadBroadcastMessage(message, out packet, out options, out error))
        {
            Drop("stream " + _streamName + " " + id, message, error!);
            return false;
        }

        return true;
    }

    /// <summary>
    /// A stream entry as a whole message for the shared reader: JSON when its <c>data</c> is JSON (Node's test: it
    /// starts with <c>{</c>), else MessagePack around the base64-decoded <c>data</c>. Strict on every field.
    /// </summary>
    private bool TryBuildMessage(NameValueEntry[] fields, out ReadOnlyMemory<byte> message, out string? error)
    {
        message = ReadOnlyMemory<byte>.Empty;
        var uid = FindField(fields, "uid");
        var nsp = FindField(fields, "nsp");
        var type = FindField(fields, "type");
        var data = FindField(fields, "data");
        if (uid.IsNullOrEmpty || nsp.IsNull || type.IsNull || ((string?)uid)!.Length > 64)
        {
            error = "not a {uid, nsp, type, data} entry";
            return false;
        }

        if (!int.TryParse((string?)type, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var typeNumber)
            || typeNumber is < 1 or > 13)
        {
            error = "the type is not a message type";
            return false;
        }

        byte[] dataBytes = data.IsNull ? [] : (byte[])data!;
        if (dataBytes.Length > 2L * Math.Max(Limits.MaxAttachmentBytes, 1 << 20))
        {
            error = "the data is too large";
            return false;
        }

        if (dataBytes.Length != 0 && dataBytes[0] == (byte)'{')
        {
            try
            {
                message = WriteJson(writer =>
                {
                    writer.WriteString("uid", (string?)uid);
                    writer.WriteString("nsp", (string?)nsp);
                    writer.WriteNumber("type", typeNumber);
                    writer.WritePropertyName("data");
                    writer.WriteRawValue(dataBytes, skipInputValidation: false);
                });
            }
            catch (Exception exception) when (exception is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
            {
                message = dataBytes;
                error = "the data is malformed JSON";
                return false;
            }

            error = null;
            return true;
        }

        var pack = new byte[(dataBytes.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64Chars(Encoding.ASCII.GetString(dataBytes), pack, out var length))
        {
            message = dataBytes;
            error = "the data is neither JSON nor base64";
            return false;
        }

        var buffer = new ArrayBufferWriter<byte>(length + 64);
        WriteHeader(new Protocol.Internal.MessagePackBufferWriter(buffer), (string)uid!, (string)nsp!, typeNumber);
        if (length == 0)
        {
            buffer.Write<byte>([0xc0]);
        }
        else
        {
            buffer.Write(pack.AsSpan(0, length));
        }

        message = buffer.WrittenMemory;
        error = null;
        return true;
    }

    /// <summary>Node's <c>encode</c>: the entry's fields, <c>type</c> as a decimal string.</summary>
    private NameValueEntry[] EntryFields(RedisClusterMessageType type, ReadOnlyMemory<byte> data, bool isJson) =>
    [
        new("uid", Uid),
        new("nsp", Namespace.Name),
        new("type", ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("data", isJson ? data.ToArray() : Convert.ToBase64String(data.Span)),
    ];

    private Task<RedisValue> AddAsync(NameValueEntry[] fields) =>
        Backplane.Database.StreamAddAsync(_streamName, fields, maxLength: Backplane.Options.StreamMaxLength, useApproximateMaxLength: true);

    private async Task AddLoggedAsync(NameValueEntry[] fields)
    {
        try
        {
            await AddAsync(fields).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.StreamAddFailed(Backplane.Logger, _streamName, exception);
        }
    }

    /// <summary>A replayable broadcast: the read loop delivers it; if it never reaches the stream, this server's sockets get it unnumbered.</summary>
    private async Task AddOrDeliverAsync(NameValueEntry[] fields, SocketIOPacket packet, SocketIOBroadcastOptions options)
    {
        try
        {
            await AddAsync(fields).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.StreamAddFailed(Backplane.Logger, _streamName, exception);
            DeliverUnnumbered(packet, options);
        }
    }

    private async Task PersistLoggedAsync(string encoded, string pid, TimeSpan window)
    {
        try
        {
            await Backplane.Database.StringSetAsync(Backplane.Options.SessionKeyPrefix + pid, encoded, window).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            RedisLog.SessionPersistFailed(Backplane.Logger, Namespace.Name, exception);
        }
    }

    /// <summary>
    /// A pub/sub message: whole MessagePack (Node's <c>encode(message)</c>). Read as JSON when it holds no binary (the
    /// handlers of answers and server-side events read JSON), else as MessagePack.
    /// </summary>
    private Task OnChannelMessageAsync(ChannelMessage message)
    {
        var channel = message.Channel.ToString();
        ReadOnlyMemory<byte> bytes = (byte[]?)message.Message ?? [];
        if (bytes.IsEmpty || !RedisPacketCodec.TryDecodeAckValue(bytes.Span, Limits, out var value, out var error))
        {
            Drop(channel, bytes, "malformed MessagePack");
            return Task.CompletedTask;
        }

        return OnMessageAsync(channel, value.Attachments.Count == 0 ? value.GetRawJson(0).ToArray() : bytes, offset: null);
    }
}
