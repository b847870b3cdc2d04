using System.Text;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// Decodes socket.io-msgpack-parser 3.0.2 packets: one binary Engine.IO message holding one map
/// <c>{type, nsp, data?, id?}</c>, keys in any order. Validates as the reference does (type an integer 0–4, nsp a
/// string, data shaped for the type, id an integer or absent) plus the checks the JSON parser makes (event name a
/// string or number, not reserved, events non-empty) and bounds on everything a peer declares (BAD-INPUTS D). The
/// data is transcoded to the JSON the default parser would carry (<see cref="MessagePackToJsonTranscoder"/>), so the
/// layers above see the same packets from both parsers: an event or ack holding binary comes out as
/// <see cref="SocketIOPacketType.BinaryEvent"/>/<see cref="SocketIOPacketType.BinaryAck"/> with placeholders and
/// attachments.
/// </summary>
/// <remarks>
/// Stateless across messages (no reassembly), so <see cref="Reset"/> does nothing. The packet owns copies of what it
/// keeps: its JSON and attachments share one new array, so the message buffer may be reused at once. Between
/// messages the decoder holds no pooled buffer.
/// </remarks>
internal sealed class SocketIOMessagePackDecoder(SocketIOParserLimits limits) : ISocketIODecoder
{
    private const int MaxEnvelopeKeys = 5;

    private readonly PooledByteBufferWriter _json = new();
    private readonly List<(int Offset, int Length)> _binaries = [];

    /// <inheritdoc/>
    public SocketIODecodeStatus Decode(ReadOnlyMemory<byte> message, bool isBinary, out SocketIOPacket? packet, out string? error)
    {
        packet = null;
        if (!isBinary)
        {
            error = "text message: the MessagePack parser only receives binary messages";
            return SocketIODecodeStatus.Error;
        }

        try
        {
            return DecodeEnvelope(message, out packet, out error) ? SocketIODecodeStatus.Packet : SocketIODecodeStatus.Error;
        }
        finally
        {
            _json.Clear();
            _binaries.Clear();
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
    }

    private bool DecodeEnvelope(ReadOnlyMemory<byte> memory, out SocketIOPacket? packet, out string? error)
    {
        packet = null;
        var message = memory.Span;
        var reader = new MessagePackSpanReader(message);
        if (!reader.TryRead(out var root, out error))
        {
            return false;
        }

        if (root.Kind != MessagePackTokenKind.Map)
        {
            error = "a MessagePack packet must be a map";
            return false;
        }

        if (root.Count > MaxEnvelopeKeys)
        {
            error = "a MessagePack packet has at most the keys type, nsp, data, id and options";
            return false;
        }

        MessagePackToken? type = null;
        MessagePackToken? ns = null;
        MessagePackToken? id = null;
        var hasData = false;
        var dataStart = 0;
        var dataForm = BinaryJsonForm.Placeholder;
        TranscodedShape shape = default;
        var seen = 0;
        for (var i = 0; i < root.Count; i++)
        {
            if (!reader.TryRead(out var key, out error))
            {
                return false;
            }

            var field = key.Kind == MessagePackTokenKind.String ? Field(message.Slice(key.Offset, key.Length)) : 0;
            if (field == 0)
            {
                error = "a MessagePack packet's keys must be the strings type, nsp, data, id or options";
                return false;
            }

            if ((seen & field) != 0)
            {
                error = "duplicate key in a MessagePack packet";
                return false;
            }

            seen |= field;
            if (field == OptionsField)
            {
                // socket.io-client puts its emit flags ({compress:true}) in the packet and the msgpack parser encodes
                // them; the reference decoder ignores them, and so do we, after a bounded walk.
                if (!TrySkipValue(ref reader, out error))
                {
                    return false;
                }

                continue;
            }

            if (field == DataField)
            {
                // Every known sender writes type before data, so the binary form is usually known here. Otherwise the
                // data is transcoded for an event and re-done below if the type turns out to be another.
                dataStart = reader.Position;
                if (type is { } knownType && TryGetInteger(knownType, out var knownValue)
                    && knownValue is not ((long)SocketIOPacketType.Event or (long)SocketIOPacketType.Ack))
                {
                    dataForm = BinaryJsonForm.Stringified;
                }

                if (!MessagePackToJsonTranscoder.TryTranscode(ref reader, message, _json, limits, dataForm, _binaries, out shape, out error))
                {
                    return false;
                }

                hasData = !shape.IsUndefined;
                continue;
            }

            if (reader.NextIsUndefined)
            {
                reader.Advance(3); // notepack's undefined: the key is absent
                continue;
            }

            if (!reader.TryRead(out var value, out error))
            {
                return false;
            }

            if (value.Kind is MessagePackTokenKind.Array or MessagePackTokenKind.Map)
            {
                // type, nsp and id are scalars; refusing here also means no container is ever skipped unwalked.
                error = field == TypeField ? "invalid packet type" : field == NspField ? "invalid namespace" : "invalid packet id";
                return false;
            }

            switch (field)
            {
                case TypeField: type = value; break;
                case NspField: ns = value; break;
                default: id = value; break;
            }
        }

        if (!reader.End)
        {
            error = $"{reader.Remaining} trailing bytes after the MessagePack packet";
            return false;
        }

        // The reference's checks, in its order: type, namespace, data, id.
        if (type is not { } typeToken || !TryGetInteger(typeToken, out var typeValue) || typeValue is < 0 or > (long)SocketIOPacketType.ConnectError)
        {
            error = "invalid packet type";
            return false;
        }

        var packetType = (SocketIOPacketType)typeValue;
        if (ns is not { Kind: MessagePackTokenKind.String } nsToken)
        {
            error = "invalid namespace";
            return false;
        }

        if (nsToken.Length > limits.MaxNamespaceLength)
        {
            error = "namespace too long";
            return false;
        }

        if (!IsDataValid(packetType, hasData, shape, message, _json.WrittenSpan, out var eventName, out error))
        {
            return false;
        }

        long? ackId = null;
        if (id is { } idToken)
        {
            // Stricter than the reference (any integer): a non-negative id a JavaScript peer holds exactly.
            if (!TryGetInteger(idToken, out var idValue) || idValue is < 0 or > SocketIOPacketRules.MaxAckId)
            {
                error = "invalid packet id";
                return false;
            }

            ackId = idValue;
        }

        var isEventOrAck = packetType is SocketIOPacketType.Event or SocketIOPacketType.Ack;
        if (!isEventOrAck && _binaries.Count > 0)
        {
            // Only when data came before type. socket.io-parser never gives these packets attachments: write the
            // binaries as JSON.stringify would.
            _json.Clear();
            _binaries.Clear();
            var again = new MessagePackSpanReader(message);
            again.Advance(dataStart);
            if (!MessagePackToJsonTranscoder.TryTranscode(ref again, message, _json, limits, BinaryJsonForm.Stringified, _binaries, out _, out error))
            {
                return false;
            }
        }

        packet = CreatePacket(message, packetType, nsToken, ackId, eventName, hasData);
        error = null; // IsDataValid leaves its default reason behind for the types it accepts without a name check
        return true;
    }

    /// <summary>
    /// An integer as the reference's <c>Number.isInteger</c> sees it: any integer format, or a float holding an
    /// integral value (notepack decodes both to the same JavaScript number).
    /// </summary>
    private static bool TryGetInteger(in MessagePackToken token, out long value)
    {
        switch (token.Kind)
        {
            case MessagePackTokenKind.Integer:
                value = token.Integer;
                return true;
            case MessagePackTokenKind.Float32 or MessagePackTokenKind.Float64
                when double.IsFinite(token.Float) && token.Float == Math.Floor(token.Float) && Math.Abs(token.Float) < 9.2233720368547758E18:
                value = (long)token.Float;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>The reference's data checks per type, plus the event-name rules both parsers share.</summary>
    private static bool IsDataValid(
        SocketIOPacketType type, bool hasData, in TranscodedShape shape, ReadOnlySpan<byte> message, ReadOnlySpan<byte> json, out string? eventName, out string? error)
    {
        eventName = null;
        error = "invalid payload";
        var kind = shape.RootKind;
        switch (type)
        {
            case SocketIOPacketType.Connect:
                return !hasData || kind == MessagePackTokenKind.Map;
            case SocketIOPacketType.Disconnect:
                return !hasData;
            case SocketIOPacketType.ConnectError:
                return hasData && kind is MessagePackTokenKind.Map or MessagePackTokenKind.String;
            case SocketIOPacketType.Ack:
                return hasData && kind == MessagePackTokenKind.Array;
        }

        // Event: the reference's msgpack parser stops at "an array"; the name checks are the JSON parser's
        // (CVE-2023-32695: a non-string name must not reach the dispatcher).
        if (!hasData || kind != MessagePackTokenKind.Array || shape.RootCount == 0)
        {
            return false;
        }

        switch (shape.FirstKind)
        {
            case MessagePackTokenKind.String:
                eventName = shape.FirstLength == 0 ? string.Empty : Encoding.UTF8.GetString(message.Slice(shape.FirstOffset, shape.FirstLength));
                break;
            case MessagePackTokenKind.Integer or MessagePackTokenKind.UnsignedInteger or MessagePackTokenKind.Float32 or MessagePackTokenKind.Float64:
                // A numeric name is dispatched by its JSON text, as with the JSON parser; NaN and the infinities are
                // written as null, which is no name.
                var text = json[shape.FirstJsonStart..shape.FirstJsonEnd];
                if (text.SequenceEqual("null"u8))
                {
                    return false;
                }

                eventName = Encoding.UTF8.GetString(text);
                break;
            default:
                return false;
        }

        if (SocketIOPacketRules.IsReservedEventName(eventName))
        {
            return false;
        }

        error = null;
        return true;
    }

    private SocketIOPacket CreatePacket(ReadOnlySpan<byte> message, SocketIOPacketType type, in MessagePackToken nsToken, long? ackId, string? eventName, bool hasData)
    {
        var ns = nsToken.Length == 1 && message[nsToken.Offset] == '/'
            ? "/"
            : Encoding.UTF8.GetString(message.Slice(nsToken.Offset, nsToken.Length));

        var json = _json.WrittenSpan;
        if (!hasData)
        {
            return new SocketIOPacket { Type = type, Namespace = ns, AckId = ackId };
        }

        // One array for the JSON and every attachment: the packet owns it, the message buffer can be reused.
        var total = json.Length;
        foreach (var (_, length) in _binaries)
        {
            total += length;
        }

        var bytes = new byte[total];
        json.CopyTo(bytes);
        var attachments = _binaries.Count == 0 ? [] : new ReadOnlyMemory<byte>[_binaries.Count];
        var position = json.Length;
        for (var i = 0; i < _binaries.Count; i++)
        {
            var (offset, length) = _binaries[i];
            message.Slice(offset, length).CopyTo(bytes.AsSpan(position));
            attachments[i] = bytes.AsMemory(position, length);
            position += length;
        }

        if (attachments.Length > 0)
        {
            type = type == SocketIOPacketType.Event ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.BinaryAck;
        }

        return new SocketIOPacket
        {
            Type = type,
            Namespace = ns,
            AckId = ackId,
            Data = bytes.AsMemory(0, json.Length),
            EventName = eventName,
            Attachments = attachments,
        };
    }

    private const int TypeField = 1;
    private const int NspField = 2;
    private const int DataField = 4;
    private const int IdField = 8;
    private const int OptionsField = 16;

    /// <summary>Steps over one value without recursion: every container adds its elements to the count left.</summary>
    private bool TrySkipValue(ref MessagePackSpanReader reader, out string? error)
    {
        long remaining = 1;
        var walked = 0;
        while (remaining > 0)
        {
            if (!reader.TryRead(out var token, out error))
            {
                return false;
            }

            remaining--;
            if (token.Kind is MessagePackTokenKind.Array or MessagePackTokenKind.Map)
            {
                remaining += token.Kind == MessagePackTokenKind.Map ? 2L * token.Count : token.Count;
            }

            if (++walked > limits.MaxContainerElements)
            {
                error = "a MessagePack packet's options are too large";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static int Field(ReadOnlySpan<byte> key) => key switch
    {
        _ when key.SequenceEqual("type"u8) => TypeField,
        _ when key.SequenceEqual("nsp"u8) => NspField,
        _ when key.SequenceEqual("data"u8) => DataField,
        _ when key.SequenceEqual("id"u8) => IdField,
        _ when key.SequenceEqual("options"u8) => OptionsField,
        _ => 0,
    };
}
