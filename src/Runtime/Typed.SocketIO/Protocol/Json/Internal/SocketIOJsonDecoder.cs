using System.Text;
using System.Text.Json;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// Decodes the default Socket.IO encoding (socket.io-parser 4.2): <c>&lt;type&gt;[&lt;n&gt;-][&lt;nsp&gt;,][&lt;id&gt;][&lt;json&gt;]</c>
/// text packets, followed by <c>n</c> binary attachments for types 5 and 6. One decoder per connection: it holds the
/// reassembly state of a binary packet. Stricter than the reference where the reference is unsafe: digits only in
/// counts and ids, bounded ids, namespaces, depth and attachment bytes, and placeholders checked before use.
/// </summary>
internal sealed class SocketIOJsonDecoder(SocketIOParserLimits limits) : ISocketIODecoder
{
    private const int MaxAckIdDigits = 16;

    private PendingBinaryPacket? _pending;

    /// <summary>A binary packet's header, waiting for its attachments (copied: the message buffers are reused).</summary>
    private sealed class PendingBinaryPacket(SocketIOPacketType type, string ns, long? ackId, byte[] json, string? eventName, int expected)
    {
        public SocketIOPacketType Type { get; } = type;
        public string Namespace { get; } = ns;
        public long? AckId { get; } = ackId;
        public byte[] Json { get; } = json;
        public string? EventName { get; } = eventName;
        public int Expected { get; } = expected;
        public List<ReadOnlyMemory<byte>> Attachments { get; } = new(expected);
        public long Bytes { get; set; }
    }

    /// <summary>True while a binary packet waits for attachments.</summary>
    public bool IsReassembling => _pending is not null;

    /// <summary>
    /// Decodes one Engine.IO message. A text packet's <see cref="SocketIOPacket.Data"/> points into
    /// <paramref name="message"/>; a binary packet's data and attachments are copies the packet owns.
    /// </summary>
    public SocketIODecodeStatus Decode(ReadOnlyMemory<byte> message, bool isBinary, out SocketIOPacket? packet, out string? error)
    {
        packet = null;
        if (isBinary)
        {
            return AddAttachment(message, out packet, out error);
        }

        if (_pending is not null)
        {
            Reset();
            error = "got plaintext data when reconstructing a packet";
            return SocketIODecodeStatus.Error;
        }

        return DecodeText(message, out packet, out error);
    }

    /// <summary>Drops a half-received binary packet (on close, or after an error).</summary>
    public void Reset() => _pending = null;

    private SocketIODecodeStatus AddAttachment(ReadOnlyMemory<byte> bytes, out SocketIOPacket? packet, out string? error)
    {
        packet = null;
        var pending = _pending;
        if (pending is null)
        {
            error = "got binary data when not reconstructing a packet";
            return SocketIODecodeStatus.Error;
        }

        pending.Bytes += bytes.Length;
        if (pending.Bytes > limits.MaxAttachmentBytes)
        {
            Reset();
            error = $"attachments larger than {limits.MaxAttachmentBytes} bytes";
            return SocketIODecodeStatus.Error;
        }

        pending.Attachments.Add(bytes.ToArray());
        if (pending.Attachments.Count < pending.Expected)
        {
            error = null;
            return SocketIODecodeStatus.NeedMore;
        }

        Reset();
        if (!TryValidatePlaceholders(pending.Json, pending.Attachments, out error))
        {
            return SocketIODecodeStatus.Error;
        }

        packet = new SocketIOPacket
        {
            Type = pending.Type,
            Namespace = pending.Namespace,
            AckId = pending.AckId,
            Data = pending.Json,
            EventName = pending.EventName,
            Attachments = pending.Attachments,
        };
        return SocketIODecodeStatus.Packet;
    }

    private SocketIODecodeStatus DecodeText(ReadOnlyMemory<byte> message, out SocketIOPacket? packet, out string? error)
    {
        packet = null;
        var text = message.Span;
        if (text.IsEmpty)
        {
            error = "empty packet";
            return SocketIODecodeStatus.Error;
        }

        var typeDigit = text[0] - '0';
        if ((uint)typeDigit > (uint)SocketIOPacketType.BinaryAck)
        {
            error = "unknown packet type";
            return SocketIODecodeStatus.Error;
        }

        var type = (SocketIOPacketType)typeDigit;
        var position = 1;
        var attachments = 0;
        if (type is SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            var digits = CountDigits(text[position..]);
            var dash = position + digits;
            if (digits == 0 || dash >= text.Length || text[dash] != '-')
            {
                error = "illegal attachments";
                return SocketIODecodeStatus.Error;
            }

            if (digits > 4 || (attachments = ParseDigits(text.Slice(position, digits))) > limits.MaxAttachments)
            {
                error = "too many attachments";
                return SocketIODecodeStatus.Error;
            }

            if (attachments == 0)
            {
                // "50-" would leave a reference decoder waiting for nothing; binary-less packets are types 2 and 3.
                error = "illegal attachments";
                return SocketIODecodeStatus.Error;
            }

            position = dash + 1;
        }

        var ns = "/";
        if (position < text.Length && text[position] == '/')
        {
            // A namespace may end at a comma or at the end of the packet ("40/custom" is a valid connect).
            var comma = text[position..].IndexOf((byte)',');
            var end = comma < 0 ? text.Length : position + comma;
            if (end - position > limits.MaxNamespaceLength)
            {
                error = "namespace too long";
                return SocketIODecodeStatus.Error;
            }

            ns = Encoding.UTF8.GetString(text[position..end]);
            position = comma < 0 ? text.Length : end + 1;
        }

        long? ackId = null;
        var idDigits = CountDigits(text[position..]);
        if (idDigits > 0)
        {
            // 16 digits cannot overflow a long; the value must also fit a JavaScript number exactly.
            var id = idDigits <= MaxAckIdDigits ? ParseDigitsLong(text.Slice(position, idDigits)) : long.MaxValue;
            if (id > SocketIOPacketRules.MaxAckId)
            {
                error = "invalid ack id";
                return SocketIODecodeStatus.Error;
            }

            ackId = id;
            position += idDigits;
        }

        var json = message[position..];
        if (!TryValidatePayload(type, json.Span, out var eventName, out error))
        {
            return SocketIODecodeStatus.Error;
        }

        if (attachments > 0)
        {
            _pending = new PendingBinaryPacket(type, ns, ackId, json.ToArray(), eventName, attachments);
            return SocketIODecodeStatus.NeedMore;
        }

        packet = new SocketIOPacket { Type = type, Namespace = ns, AckId = ackId, Data = json, EventName = eventName };
        return SocketIODecodeStatus.Packet;
    }

    /// <summary>
    /// Checks that the payload is one complete JSON value, no deeper than the limit, of the shape the packet type
    /// requires; for events, reads the event name.
    /// </summary>
    private bool TryValidatePayload(SocketIOPacketType type, ReadOnlySpan<byte> json, out string? eventName, out string? error)
    {
        eventName = null;
        error = null;
        if (json.IsEmpty)
        {
            if (type is SocketIOPacketType.Connect or SocketIOPacketType.Disconnect)
            {
                return true;
            }

            error = "invalid payload";
            return false;
        }

        if (type == SocketIOPacketType.Disconnect)
        {
            error = "invalid payload";
            return false;
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = limits.MaxDepth });
        try
        {
            reader.Read();
            var root = reader.TokenType;
            var shapeOk = type switch
            {
                SocketIOPacketType.Connect => root == JsonTokenType.StartObject,
                SocketIOPacketType.ConnectError => root is JsonTokenType.StartObject or JsonTokenType.String,
                _ => root == JsonTokenType.StartArray,
            };
            if (!shapeOk)
            {
                error = "invalid payload";
                return false;
            }

            if (type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent)
            {
                reader.Read();
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        eventName = reader.GetString()!;
                        break;
                    case JsonTokenType.Number:
                        // A numeric event name is dispatched by its text, as JavaScript's emit("42") would be.
                        eventName = Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    default:
                        error = "invalid payload";
                        return false;
                }

                if (SocketIOPacketRules.IsReservedEventName(eventName))
                {
                    error = "invalid payload";
                    return false;
                }
            }

            // Walk the rest: syntax, depth, and nothing after the value.
            while (reader.Read())
            {
            }

            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString on a name holding invalid UTF-8 (the reader checks it only then).
            error = "invalid payload";
            return false;
        }
    }

    /// <summary>
    /// Every object holding <c>"_placeholder":true</c> must carry an integer <c>num</c> indexing a received attachment
    /// (CVE-2022-2421). The walk is iterative; its depth was bounded when the header was validated. Attachments no
    /// placeholder refers to are dropped at once.
    /// </summary>
    private bool TryValidatePlaceholders(byte[] json, List<ReadOnlyMemory<byte>> attachments, out string? error)
    {
        error = null;
        var referenced = new bool[attachments.Count];
        var objects = new Stack<(bool IsPlaceholder, long Num)>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = limits.MaxDepth });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    objects.Push((false, -1));
                    break;
                case JsonTokenType.PropertyName when objects.Count > 0:
                    var isPlaceholderKey = reader.ValueTextEquals("_placeholder"u8);
                    var isNumKey = !isPlaceholderKey && reader.ValueTextEquals("num"u8);
                    reader.Read();
                    var (isPlaceholder, num) = objects.Pop();
                    if (isPlaceholderKey)
                    {
                        isPlaceholder = reader.TokenType == JsonTokenType.True;
                    }
                    else if (isNumKey)
                    {
                        num = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) ? value : -1;
                    }

                    objects.Push((isPlaceholder, num));
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        // The value is itself an object: its tokens follow, so it needs its own entry now.
                        objects.Push((false, -1));
                    }

                    break;
                case JsonTokenType.EndObject:
                    var done = objects.Pop();
                    if (done.IsPlaceholder)
                    {
                        if (done.Num < 0 || done.Num >= attachments.Count)
                        {
                            error = "illegal attachments";
                            return false;
                        }

                        referenced[done.Num] = true;
                    }

                    break;
            }
        }

        for (var i = 0; i < referenced.Length; i++)
        {
            if (!referenced[i])
            {
                attachments[i] = ReadOnlyMemory<byte>.Empty;
            }
        }

        return true;
    }

    private static int CountDigits(ReadOnlySpan<byte> text)
    {
        var count = 0;
        while (count < text.Length && (uint)(text[count] - '0') <= 9)
        {
            count++;
        }

        return count;
    }

    private static int ParseDigits(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var digit in digits)
        {
            value = (value * 10) + (digit - '0');
        }

        return value;
    }

    private static long ParseDigitsLong(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        foreach (var digit in digits)
        {
            value = (value * 10) + (digit - '0');
        }

        return value;
    }
}
