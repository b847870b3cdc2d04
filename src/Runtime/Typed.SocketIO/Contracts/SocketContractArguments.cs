using System.Runtime.InteropServices;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Reads received arguments into their declared types for generated binders and proxies. A missing argument (the
/// JavaScript side sent fewer) reads as <c>default</c>, as an absent parameter is <c>undefined</c> in JavaScript.
/// </summary>
public static class SocketContractArguments
{
    /// <summary>Writes no argument: emits of parameterless events, and the empty ack of a void event.</summary>
    public static WriteArgumentsCallback<System.Text.Json.JsonSerializerOptions> None { get; } = static (SocketIOArgumentWriter _, in System.Text.Json.JsonSerializerOptions _) => { };

    /// <summary>Argument <paramref name="index"/> deserialized straight from its JSON.</summary>
    public static T? Read<T>(SocketIOArguments arguments, int index, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return index < arguments.Count ? arguments.GetValue(index, typeInfo) : default;
    }

    /// <summary>Binary argument <paramref name="index"/> as an array (null when missing or JSON <c>null</c>).</summary>
    /// <exception cref="InvalidOperationException">The argument is neither binary nor null.</exception>
    public static byte[]? ReadBytes(SocketIOArguments arguments, int index)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (index >= arguments.Count || IsNull(arguments, index))
        {
            return null;
        }

        var memory = arguments.GetBytes(index);

        // Received arguments own their attachments (detached), so a whole array is handed out without a copy.
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }

    /// <summary>Binary argument <paramref name="index"/> (empty when missing or JSON <c>null</c>).</summary>
    public static ReadOnlyMemory<byte> ReadMemory(SocketIOArguments arguments, int index)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return index >= arguments.Count || IsNull(arguments, index) ? ReadOnlyMemory<byte>.Empty : arguments.GetBytes(index);
    }

    private static bool IsNull(SocketIOArguments arguments, int index) => arguments.GetRawJson(index).Span.SequenceEqual("null"u8);
}
