using System.Text.Json;

namespace Typed.SocketIO.Protocol;

/// <summary>
/// Builds the packet of an untyped emit or acknowledgement from its arguments: binary values become placeholders and
/// attachments, received <see cref="SocketIOArguments"/> are forwarded exactly, and everything else is serialized with
/// the metadata its <see cref="JsonSerializerOptions"/> resolve (a source-generated context keeps it AOT-safe).
/// </summary>
public static class SocketIOPayloadWriter
{
    // The builder is reusable; one per thread saves its buffers on every emit.
    [ThreadStatic]
    private static SocketIOPayloadBuilder? t_builder;

    // Wraps this thread's builder, so typed emits allocate no writer either.
    [ThreadStatic]
    private static SocketIOArgumentWriter? t_argumentWriter;

    /// <summary>Refuses a missing or reserved event name, as the reference throws on emit.</summary>
    public static void ValidateEventName(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (SocketIOPacketRules.IsReservedEventName(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }

    /// <summary>
    /// The arguments a <c>params object?[]</c> really received. C# passes a <c>string[]</c> (any array of a reference
    /// type) as the params array itself, so <c>Emit("e", names)</c> would send each name as its own argument; an
    /// array that is not exactly <c>object[]</c> is one argument. A null array is one null argument.
    /// </summary>
    public static object?[] NormalizeArguments(object?[]? args) => args is null ? [null] : args.GetType() == typeof(object[]) ? args : [args];

    /// <summary>An event packet <c>["name", ...args]</c>.</summary>
    public static SocketIOPacket CreateEvent(string ns, string eventName, ReadOnlySpan<object?> args, long? ackId, JsonSerializerOptions options)
    {
        var builder = RentBuilder();
        try
        {
            builder.StartEvent(eventName);
            WriteArguments(builder, args, options);
            return builder.ToPacket(ns, ackId);
        }
        finally
        {
            builder.Reset();
        }
    }

    /// <summary>An acknowledgement packet <c>[...args]</c>.</summary>
    public static SocketIOPacket CreateAck(string ns, long ackId, ReadOnlySpan<object?> args, JsonSerializerOptions options)
    {
        var builder = RentBuilder();
        try
        {
            builder.StartAck();
            WriteArguments(builder, args, options);
            return builder.ToPacket(ns, ackId);
        }
        finally
        {
            builder.Reset();
        }
    }

    /// <summary>A typed event packet: the generated writer puts each argument straight into the payload.</summary>
    public static SocketIOPacket CreateEvent<TState>(string ns, string eventName, in TState state, WriteArgumentsCallback<TState> write, long? ackId)
    {
        ArgumentNullException.ThrowIfNull(write);
        var builder = RentBuilder();
        try
        {
            builder.StartEvent(eventName);
            write(RentArgumentWriter(builder), state);
            return builder.ToPacket(ns, ackId);
        }
        finally
        {
            builder.Reset();
        }
    }

    /// <summary>A typed acknowledgement packet.</summary>
    public static SocketIOPacket CreateAck<TState>(string ns, long ackId, in TState state, WriteArgumentsCallback<TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var builder = RentBuilder();
        try
        {
            builder.StartAck();
            write(RentArgumentWriter(builder), state);
            return builder.ToPacket(ns, ackId);
        }
        finally
        {
            builder.Reset();
        }
    }

    private static SocketIOPayloadBuilder RentBuilder() => t_builder ??= new SocketIOPayloadBuilder();

    private static SocketIOArgumentWriter RentArgumentWriter(SocketIOPayloadBuilder builder) => t_argumentWriter ??= new SocketIOArgumentWriter(builder);

    private static void WriteArguments(SocketIOPayloadBuilder builder, ReadOnlySpan<object?> args, JsonSerializerOptions options)
    {
        foreach (var arg in args)
        {
            WriteArgument(builder, arg, options);
        }
    }

    private static void WriteArgument(SocketIOPayloadBuilder builder, object? arg, JsonSerializerOptions options)
    {
        var writer = builder.Writer;
        switch (arg)
        {
            case null:
                writer.WriteNullValue();
                return;
            case byte[] bytes:
                builder.WriteBinary(bytes);
                return;
            case ReadOnlyMemory<byte> memory:
                builder.WriteBinary(memory);
                return;
            case Memory<byte> memory:
                builder.WriteBinary(memory);
                return;
            case ArraySegment<byte> segment:
                builder.WriteBinary(segment);
                return;
            case SocketIOArguments forwarded:
                // Forwarding received arguments keeps their exact JSON, and their binary stays binary.
                WriteForwarded(builder, forwarded);
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
                builder.WriteNumber(number);
                return;
            case JsonElement element:
                element.WriteTo(writer);
                return;
            default:
                SocketIOBinaryScope.Serialize(builder, arg, options.GetTypeInfo(arg.GetType()));
                return;
        }
    }

    private static void WriteForwarded(SocketIOPayloadBuilder builder, SocketIOArguments forwarded)
    {
        for (var i = 0; i < forwarded.Count; i++)
        {
            if (forwarded.IsBinary(i))
            {
                builder.WriteBinary(forwarded.GetBytes(i));
            }
            else if (forwarded.Attachments.Count == 0)
            {
                builder.Writer.WriteRawValue(forwarded.GetRawJson(i).Span, skipInputValidation: true);
            }
            else
            {
                WriteRenumbered(builder, forwarded.GetJsonElement(i), forwarded.Attachments);
            }
        }
    }

    /// <summary>
    /// An argument with placeholders nested inside (<c>{"nested":&lt;Buffer&gt;}</c>): copied token by token with
    /// each placeholder renumbered into this payload's attachments. Iterative: the parser bounded the depth, but a walk
    /// over a peer's data never recurses on the stack.
    /// </summary>
    private static void WriteRenumbered(SocketIOPayloadBuilder builder, JsonElement root, IReadOnlyList<ReadOnlyMemory<byte>> source)
    {
        var writer = builder.Writer;
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
                builder.WriteBinary(bytes);
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
