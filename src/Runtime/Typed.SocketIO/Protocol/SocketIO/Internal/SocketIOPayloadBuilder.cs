using System.Text.Json;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// Builds the payload of an outgoing packet in the shared representation: UTF-8 JSON with <c>JSON.stringify</c>'s
/// bytes, and binary values as <c>{"_placeholder":true,"num":N}</c> plus an attachment, numbered in the order they
/// are written (socket.io-parser's depth-first document order when written front to back).
/// </summary>
/// <example>
/// <code>
/// builder.StartEvent("upload");
/// JsonSerializer.Serialize(builder.Writer, meta, MyJson.Default.Meta);   // typed arguments go straight in
/// builder.WriteBinary(bytes);                                            // becomes a placeholder + attachment
/// SocketIOPacket packet = builder.ToPacket("/files", ackId: 3);          // 451-/files,3["upload",{…},{"_placeholder":true,"num":0}]
/// </code>
/// </example>
/// <remarks>
/// Reusable: <c>ToPacket</c> resets it, and between packets it holds no pooled buffer. Not thread-safe. Binary
/// arguments are not copied; they must not change until the packet has been sent. Strings written through
/// <see cref="Writer"/> get JavaScript's escaping, except that a lone surrogate becomes U+FFFD (see
/// <see cref="JavaScriptJsonEncoder"/>); write doubles with <see cref="WriteNumber"/> to get JavaScript's number text.
/// </remarks>
internal sealed class SocketIOPayloadBuilder : IDisposable
{
    private readonly PooledByteBufferWriter _buffer = new();
    private readonly Utf8JsonWriter _writer;
    private List<ReadOnlyMemory<byte>>? _attachments;
    private Kind _kind;
    private string? _eventName;

    private enum Kind : byte
    {
        Raw,
        Event,
        Ack,
    }

    /// <summary>Creates a builder.</summary>
    public SocketIOPayloadBuilder() => _writer = new Utf8JsonWriter(_buffer, JavaScriptJson.WriterOptions);

    /// <summary>
    /// The JSON writer of the payload: pass it to <c>JsonSerializer.Serialize(writer, value, typeInfo)</c>, or write
    /// values directly. After <see cref="StartEvent"/>/<see cref="StartAck"/>, each value written is one argument.
    /// </summary>
    public Utf8JsonWriter Writer => _writer;

    /// <summary>How many binary values have been written so far.</summary>
    public int AttachmentCount => _attachments?.Count ?? 0;

    /// <summary>Starts an event's arguments: <c>["name"</c>.</summary>
    /// <exception cref="ArgumentException">The name is reserved by the protocol (as the reference throws on emit).</exception>
    public void StartEvent(string eventName)
    {
        if (SocketIOPacketRules.IsReservedEventName(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }

        StartArguments(Kind.Event);
        _eventName = eventName;
        _writer.WriteStringValue(eventName);
    }

    /// <summary>Starts an acknowledgement's arguments: <c>[</c>.</summary>
    public void StartAck() => StartArguments(Kind.Ack);

    /// <summary>Writes a binary value: a placeholder in the JSON, the bytes as the next attachment.</summary>
    public void WriteBinary(ReadOnlyMemory<byte> bytes)
    {
        var attachments = _attachments ??= [];
        _writer.WriteStartObject();
        _writer.WriteBoolean("_placeholder"u8, true);
        _writer.WriteNumber("num"u8, attachments.Count);
        _writer.WriteEndObject();
        attachments.Add(bytes);
    }

    /// <summary>Writes a number as <c>JSON.stringify</c> does (<c>1</c>, <c>1e+21</c>, <c>null</c> for NaN).</summary>
    public void WriteNumber(double value) => JavaScriptJson.WriteNumber(_writer, value);

    /// <summary>
    /// Closes the arguments started by <see cref="StartEvent"/> or <see cref="StartAck"/> and returns the packet:
    /// an event or ack, binary when attachments were written. Resets the builder.
    /// </summary>
    public SocketIOPacket ToPacket(string ns = "/", long? ackId = null)
    {
        if (_kind == Kind.Raw)
        {
            throw new InvalidOperationException("StartEvent or StartAck was not called; use ToPacket(type, ns) for other packets.");
        }

        _writer.WriteEndArray();
        var hasAttachments = AttachmentCount > 0;
        var type = _kind == Kind.Event
            ? hasAttachments ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event
            : hasAttachments ? SocketIOPacketType.BinaryAck : SocketIOPacketType.Ack;
        return Complete(type, ns, ackId);
    }

    /// <summary>
    /// Returns a packet whose whole payload was written through <see cref="Writer"/> (a CONNECT's
    /// <c>{"sid":…}</c>, a CONNECT_ERROR's <c>{"message":…}</c>), or has none. Resets the builder.
    /// </summary>
    public SocketIOPacket ToPacket(SocketIOPacketType type, string ns = "/")
    {
        if (_kind != Kind.Raw)
        {
            throw new InvalidOperationException("Arguments were started; use ToPacket(ns, ackId).");
        }

        if (type is SocketIOPacketType.Event or SocketIOPacketType.Ack or SocketIOPacketType.BinaryEvent or SocketIOPacketType.BinaryAck)
        {
            throw new ArgumentException("Events and acks are started with StartEvent or StartAck.", nameof(type));
        }

        return Complete(type, ns, ackId: null);
    }

    /// <summary>Drops whatever was written and returns the pooled buffer.</summary>
    public void Reset()
    {
        _writer.Reset();
        _buffer.Clear();
        _attachments = null;
        _kind = Kind.Raw;
        _eventName = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Reset();
        _writer.Dispose();
    }

    private void StartArguments(Kind kind)
    {
        if (_kind != Kind.Raw || _writer.BytesPending + _writer.BytesCommitted > 0)
        {
            throw new InvalidOperationException("The builder already holds a payload; call ToPacket or Reset first.");
        }

        _kind = kind;
        _writer.WriteStartArray();
    }

    private SocketIOPacket Complete(SocketIOPacketType type, string ns, long? ackId)
    {
        _writer.Flush();
        var packet = new SocketIOPacket
        {
            Type = type,
            Namespace = ns,
            AckId = ackId,
            Data = _buffer.WrittenCount == 0 ? ReadOnlyMemory<byte>.Empty : _buffer.ToArray(),
            EventName = _eventName,
            Attachments = _attachments is null ? [] : _attachments,
        };
        Reset();
        return packet;
    }
}
