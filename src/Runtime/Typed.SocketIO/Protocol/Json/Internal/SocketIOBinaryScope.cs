using System.Text.Json;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// The packet a Socket.IO (de)serialization is working on, for the binary converters to reach: while
/// <see cref="SocketIOArguments"/> reads an argument, the attachments its placeholders refer to; while a payload builder
/// writes one, the builder that numbers new attachments. Outside such a call both are null and the converters fall back
/// to base64 strings, so the same options stay usable with plain <see cref="JsonSerializer"/> calls.
/// </summary>
/// <remarks>
/// Thread-static rather than passed down, because System.Text.Json gives converters no per-call state; a
/// (de)serialization is synchronous, so the thread cannot change under it. Each scope restores the previous one, so a
/// converter that (de)serializes another packet inside a call does not leak its packet into the outer one.
/// </remarks>
internal static class SocketIOBinaryScope
{
    [ThreadStatic]
    private static ReadState? t_read;

    [ThreadStatic]
    private static SocketIOPayloadBuilder? t_write;

    /// <summary>The attachments of the argument being read, with the numbers already bound; null outside a read.</summary>
    public static ReadState? Reading => t_read;

    /// <summary>The builder of the payload being written; null outside a write.</summary>
    public static SocketIOPayloadBuilder? Writing => t_write;

    /// <summary>Deserializes one argument with its placeholders bound to <paramref name="attachments"/>.</summary>
    public static T? Deserialize<T>(ref Utf8JsonReader reader, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var previousRead = t_read;
        var previousWrite = t_write;
        t_read = new ReadState(attachments);
        t_write = null;
        try
        {
            return JsonSerializer.Deserialize(ref reader, typeInfo);
        }
        finally
        {
            t_read = previousRead;
            t_write = previousWrite;
        }
    }

    /// <summary>Serializes one value into <paramref name="builder"/>'s writer, binary values becoming attachments.</summary>
    public static void Serialize<T>(SocketIOPayloadBuilder builder, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var previousRead = t_read;
        var previousWrite = t_write;
        t_read = null;
        t_write = builder;
        try
        {
            JsonSerializer.Serialize(builder.Writer, value, typeInfo);
        }
        finally
        {
            t_read = previousRead;
            t_write = previousWrite;
        }
    }

    /// <summary>Serializes a value of a type only known at run time (the untyped emits).</summary>
    public static void Serialize(SocketIOPayloadBuilder builder, object? value, System.Text.Json.Serialization.Metadata.JsonTypeInfo typeInfo)
    {
        var previousRead = t_read;
        var previousWrite = t_write;
        t_read = null;
        t_write = builder;
        try
        {
            JsonSerializer.Serialize(builder.Writer, value, typeInfo);
        }
        finally
        {
            t_read = previousRead;
            t_write = previousWrite;
        }
    }

    /// <summary>
    /// The attachments of one argument being read, and which of them a placeholder has already taken: a number bound
    /// twice is refused, so one attachment cannot be handed out as two values (one of which the handler may change).
    /// </summary>
    internal sealed class ReadState(IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        private bool[]? _taken;

        /// <summary>The attachment placeholder <paramref name="number"/> refers to.</summary>
        /// <exception cref="JsonException">The number is out of range, or was already bound in this argument.</exception>
        public ReadOnlyMemory<byte> Take(long number)
        {
            if (number < 0 || number >= attachments.Count)
            {
                throw new JsonException($"A binary placeholder refers to attachment {number}, but the packet has {attachments.Count}.");
            }

            var taken = _taken ??= new bool[attachments.Count];
            if (taken[number])
            {
                throw new JsonException($"Attachment {number} is referred to by two placeholders.");
            }

            taken[number] = true;
            return attachments[(int)number];
        }
    }
}
