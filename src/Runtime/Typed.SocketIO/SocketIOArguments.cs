using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO;

/// <summary>
/// The arguments of a received event or acknowledgement, read lazily from the packet's JSON. Binary arguments
/// (Buffers and ArrayBuffers on the JavaScript side) are read with <see cref="GetBytes"/>. Whatever the parser on the
/// wire (JSON or MessagePack), arguments are exposed the same way.
/// </summary>
/// <remarks>
/// The arguments of an event are valid while its handler runs; a handler that keeps them longer calls
/// <see cref="Detach"/> first.
/// </remarks>
public sealed class SocketIOArguments
{
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 256 };

    private readonly ReadOnlyMemory<byte> _json;
    private readonly (int Start, int Length)[] _ranges;

    /// <summary>No arguments.</summary>
    public static SocketIOArguments Empty { get; } = new(ReadOnlyMemory<byte>.Empty, [], []);

    private SocketIOArguments(ReadOnlyMemory<byte> json, (int Start, int Length)[] ranges, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        _json = json;
        _ranges = ranges;
        Attachments = attachments;
    }

    /// <summary>How many arguments there are.</summary>
    public int Count => _ranges.Length;

    /// <summary>The binary attachments the arguments' placeholders refer to, by number.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; }

    /// <summary>
    /// The arguments of a decoded EVENT or BINARY_EVENT packet, the event name excluded. They point into the packet's
    /// buffers: <see cref="Detach"/> them to keep them past the packet's lifetime.
    /// </summary>
    public static SocketIOArguments FromEvent(SocketIOPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return FromArray(packet.Data, packet.Attachments, skipFirst: true);
    }

    /// <summary>The arguments of a decoded ACK or BINARY_ACK packet (see <see cref="FromEvent"/> on lifetime).</summary>
    public static SocketIOArguments FromAck(SocketIOPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return FromArray(packet.Data, packet.Attachments, skipFirst: false);
    }

    /// <summary>
    /// Reads the argument array of a packet: for an event, <paramref name="skipFirst"/> skips the event name.
    /// The JSON has already been validated by the parser.
    /// </summary>
    internal static SocketIOArguments FromArray(ReadOnlyMemory<byte> json, IReadOnlyList<ReadOnlyMemory<byte>> attachments, bool skipFirst)
    {
        if (json.IsEmpty)
        {
            return Empty;
        }

        var ranges = new List<(int, int)>();
        var reader = new Utf8JsonReader(json.Span, s_readerOptions);
        reader.Read(); // [
        if (skipFirst)
        {
            reader.Read();
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            ranges.Add((start, (int)reader.BytesConsumed - start));
        }

        return new SocketIOArguments(json, [.. ranges], attachments);
    }

    /// <summary>The raw JSON of argument <paramref name="index"/> (a binary argument is its placeholder object).</summary>
    public ReadOnlyMemory<byte> GetRawJson(int index)
    {
        var (start, length) = _ranges[index];
        return _json.Slice(start, length);
    }

    /// <summary>Argument <paramref name="index"/> as a <see cref="JsonElement"/> (a copy that outlives the handler).</summary>
    public JsonElement GetJsonElement(int index)
    {
        var reader = new Utf8JsonReader(GetRawJson(index).Span, s_readerOptions);
        return JsonElement.ParseValue(ref reader);
    }

    /// <summary>Deserializes argument <paramref name="index"/> with source-generated metadata (AOT-safe).</summary>
    /// <remarks>
    /// With metadata from options Typed built (<see cref="SocketIOJson"/>), a <c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c>
    /// or <c>Memory&lt;byte&gt;</c> anywhere in the value binds to the attachment its placeholder refers to.
    /// </remarks>
    /// <exception cref="JsonException">The JSON does not fit <typeparamref name="T"/>, or a placeholder in it refers to an
    /// attachment the packet does not have, or to one another placeholder of the argument already took.</exception>
    public T? GetValue<T>(int index, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var reader = new Utf8JsonReader(GetRawJson(index).Span, s_readerOptions);
        return SocketIOBinaryScope.Deserialize(ref reader, typeInfo, Attachments);
    }

    /// <summary>Deserializes argument <paramref name="index"/> with the type metadata <paramref name="options"/> resolve.</summary>
    public T? GetValue<T>(int index, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return GetValue(index, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }

    /// <summary>Argument <paramref name="index"/> as a string, or null when it is not a JSON string.</summary>
    public string? GetString(int index)
    {
        var reader = new Utf8JsonReader(GetRawJson(index).Span, s_readerOptions);
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>Whether argument <paramref name="index"/> is binary data.</summary>
    public bool IsBinary(int index) => TryGetAttachmentNumber(index, out _);

    /// <summary>The bytes of binary argument <paramref name="index"/>.</summary>
    /// <exception cref="InvalidOperationException">The argument is not binary.</exception>
    public ReadOnlyMemory<byte> GetBytes(int index) => TryGetAttachmentNumber(index, out var number)
        ? Attachments[number]
        : throw new InvalidOperationException($"Argument {index} is not binary.");

    /// <summary>A copy that owns its bytes, for keeping the arguments after the handler returns.</summary>
    public SocketIOArguments Detach()
    {
        var attachments = new ReadOnlyMemory<byte>[Attachments.Count];
        for (var i = 0; i < attachments.Length; i++)
        {
            attachments[i] = Attachments[i].ToArray();
        }

        return new SocketIOArguments(_json.ToArray(), _ranges, attachments);
    }

    /// <summary>Recognizes <c>{"_placeholder":true,"num":N}</c>, the form the parsers validated.</summary>
    private bool TryGetAttachmentNumber(int index, out int number)
    {
        number = -1;
        if (Attachments.Count == 0)
        {
            return false;
        }

        var reader = new Utf8JsonReader(GetRawJson(index).Span, s_readerOptions);
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var isPlaceholder = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isFlag = reader.ValueTextEquals("_placeholder"u8);
            var isNum = !isFlag && reader.ValueTextEquals("num"u8);
            reader.Read();
            if (isFlag)
            {
                isPlaceholder = reader.TokenType == JsonTokenType.True;
            }
            else if (isNum && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value))
            {
                number = value;
            }
            else
            {
                reader.Skip();
            }
        }

        return isPlaceholder && (uint)number < (uint)Attachments.Count;
    }
}
