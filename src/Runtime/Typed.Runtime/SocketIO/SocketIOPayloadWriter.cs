using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO;

/// <summary>
/// Writes the JSON payload of an outgoing event or acknowledgement — <c>["name", ...args]</c> or <c>[...args]</c> —
/// replacing each binary argument with a <c>{"_placeholder":true,"num":N}</c> and collecting its bytes as an
/// attachment. Arguments are serialized with the metadata their <see cref="JsonSerializerOptions"/> resolve, so a
/// source-generated context keeps it AOT-safe.
/// </summary>
internal static class SocketIOPayloadWriter
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // socket.io-parser writes with JSON.stringify, which escapes neither HTML characters nor non-ASCII.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Writes <c>[eventName, ...args]</c> (or <c>[...args]</c> when <paramref name="eventName"/> is null).</summary>
    public static (byte[] Json, IReadOnlyList<ReadOnlyMemory<byte>> Attachments) Write(string? eventName, ReadOnlySpan<object?> args, JsonSerializerOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        List<ReadOnlyMemory<byte>>? attachments = null;
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartArray();
            if (eventName is not null)
            {
                writer.WriteStringValue(eventName);
            }

            foreach (var arg in args)
            {
                WriteArgument(writer, arg, options, ref attachments);
            }

            writer.WriteEndArray();
        }

        return (buffer.WrittenSpan.ToArray(), (IReadOnlyList<ReadOnlyMemory<byte>>?)attachments ?? []);
    }

    private static void WriteArgument(Utf8JsonWriter writer, object? arg, JsonSerializerOptions options, ref List<ReadOnlyMemory<byte>>? attachments)
    {
        switch (arg)
        {
            case null:
                writer.WriteNullValue();
                return;
            case byte[] bytes:
                WritePlaceholder(writer, bytes, ref attachments);
                return;
            case ReadOnlyMemory<byte> memory:
                WritePlaceholder(writer, memory, ref attachments);
                return;
            case Memory<byte> memory:
                WritePlaceholder(writer, memory, ref attachments);
                return;
            case ArraySegment<byte> segment:
                WritePlaceholder(writer, segment, ref attachments);
                return;
            case SocketIOArguments forwarded:
                // Forwarding received arguments keeps their exact JSON, and their binary stays binary.
                WriteForwarded(writer, forwarded, ref attachments);
                return;
            case string text:
                writer.WriteStringValue(text);
                return;
            case bool flag:
                writer.WriteBooleanValue(flag);
                return;
            case int number:
                writer.WriteNumberValue(number);
                return;
            case long number:
                writer.WriteNumberValue(number);
                return;
            case double number:
                WriteDouble(writer, number);
                return;
            case JsonElement element:
                element.WriteTo(writer);
                return;
            default:
                var typeInfo = options.GetTypeInfo(arg.GetType());
                JsonSerializer.Serialize(writer, arg, typeInfo);
                return;
        }
    }

    /// <summary>JSON has no NaN or infinities; JavaScript's JSON.stringify writes them as null.</summary>
    private static void WriteDouble(Utf8JsonWriter writer, double number)
    {
        if (double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void WritePlaceholder(Utf8JsonWriter writer, ReadOnlyMemory<byte> bytes, ref List<ReadOnlyMemory<byte>>? attachments)
    {
        attachments ??= [];
        writer.WriteStartObject();
        writer.WriteBoolean("_placeholder"u8, true);
        writer.WriteNumber("num"u8, attachments.Count);
        writer.WriteEndObject();
        attachments.Add(bytes);
    }

    private static void WriteForwarded(Utf8JsonWriter writer, SocketIOArguments forwarded, ref List<ReadOnlyMemory<byte>>? attachments)
    {
        for (var i = 0; i < forwarded.Count; i++)
        {
            if (forwarded.IsBinary(i))
            {
                WritePlaceholder(writer, forwarded.GetBytes(i).ToArray(), ref attachments);
            }
            else if (forwarded.Attachments.Count == 0)
            {
                writer.WriteRawValue(forwarded.GetRawJson(i).Span, skipInputValidation: true);
            }
            else
            {
                WriteRenumbered(writer, forwarded, i, ref attachments);
            }
        }
    }

    /// <summary>
    /// An argument with placeholders nested inside (<c>{"nested":&lt;Buffer&gt;}</c>): copied token by token, each
    /// placeholder renumbered into this payload's attachments.
    /// </summary>
    private static void WriteRenumbered(Utf8JsonWriter writer, SocketIOArguments forwarded, int index, ref List<ReadOnlyMemory<byte>>? attachments)
    {
        var element = forwarded.GetJsonElement(index);
        WriteElementRenumbered(writer, element, forwarded.Attachments, ref attachments);
    }

    private static void WriteElementRenumbered(Utf8JsonWriter writer, JsonElement root, IReadOnlyList<ReadOnlyMemory<byte>> source, ref List<ReadOnlyMemory<byte>>? attachments)
    {
        // Iterative: the depth was bounded by the parser, but a walk on a peer's data never recurses on the stack.
        var stack = new Stack<(JsonElement Element, string? Name, bool Closing)>();
        stack.Push((root, null, false));
        while (stack.Count > 0)
        {
            var (element, name, closing) = stack.Pop();
            if (closing)
            {
                if (element.ValueKind == JsonValueKind.Object)
                {
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WriteEndArray();
                }

                continue;
            }

            if (name is not null)
            {
                writer.WritePropertyName(name);
            }

            if (TryGetPlaceholder(element, source, out var bytes))
            {
                WritePlaceholder(writer, bytes.ToArray(), ref attachments);
                continue;
            }

            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    stack.Push((element, null, true));
                    var properties = new List<JsonProperty>();
                    foreach (var property in element.EnumerateObject())
                    {
                        properties.Add(property);
                    }

                    for (var i = properties.Count - 1; i >= 0; i--)
                    {
                        stack.Push((properties[i].Value, properties[i].Name, false));
                    }

                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    stack.Push((element, null, true));
                    var items = new List<JsonElement>();
                    foreach (var item in element.EnumerateArray())
                    {
                        items.Add(item);
                    }

                    for (var i = items.Count - 1; i >= 0; i--)
                    {
                        stack.Push((items[i], null, false));
                    }

                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }

    private static bool TryGetPlaceholder(JsonElement element, IReadOnlyList<ReadOnlyMemory<byte>> source, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty("_placeholder", out var flag) && flag.ValueKind == JsonValueKind.True
            && element.TryGetProperty("num", out var num) && num.TryGetInt32(out var index) && (uint)index < (uint)source.Count)
        {
            bytes = source[index];
            return true;
        }

        return false;
    }
}
