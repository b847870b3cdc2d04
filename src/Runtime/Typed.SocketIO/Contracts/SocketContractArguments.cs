using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Reads received arguments into their declared types for generated binders and proxies, strictly: an argument that
/// does not fit its parameter throws <see cref="SocketIOBindingException"/> naming the parameter and its position,
/// instead of reaching the handler as <c>default</c>. The rules:
/// <list type="bullet">
/// <item>A missing argument (the sender passed fewer) binds only to a nullable parameter, as <c>null</c>.</item>
/// <item>JSON <c>null</c> binds only to a nullable parameter (<c>string?</c>, <c>int?</c>…).</item>
/// <item>A value of the wrong kind (a string for an <c>int</c>, an object for a number), a number out of the type's
/// range (2^31 for an <c>int</c>) or a fraction for an integer type does not bind.</item>
/// <item>Extra arguments are ignored, as a JavaScript function ignores them.</item>
/// </list>
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public static class SocketContractArguments
{

    /// <summary>Writes no argument: emits of parameterless events, and the empty ack of a void event.</summary>
    public static WriteArgumentsCallback<JsonSerializerOptions> None { get; } = static (SocketIOArgumentWriter _, in JsonSerializerOptions _) => { };

    /// <summary>
    /// Argument <paramref name="index"/>, bound to parameter <paramref name="parameter"/>, deserialized straight from
    /// its JSON. <paramref name="allowNull"/> says whether the parameter accepts <c>null</c> (a nullable reference or
    /// value type); a missing argument then binds as <c>null</c> too.
    /// </summary>
    /// <exception cref="SocketIOBindingException">The argument does not bind (see the class remarks).</exception>
    public static T? Read<T>(SocketIOArguments arguments, int index, JsonTypeInfo<T> typeInfo, string parameter, bool allowNull)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(parameter);
        if (index >= arguments.Count)
        {
            return allowNull ? default : throw new SocketIOBindingException(parameter, index, "is missing.");
        }

        if (!allowNull && IsNull(arguments, index))
        {
            throw new SocketIOBindingException(parameter, index, "is null, but the parameter is not nullable.");
        }

        T? value;
        try
        {
            // Through the arguments, so placeholders anywhere in the value bind to the packet's attachments.
            value = arguments.GetValue(index, typeInfo);
        }
        catch (JsonException ex)
        {
            // Wrong kind, out of range, a fraction for an integer, a missing required member: the sender's input, so
            // the message names the parameter; the serializer's own message stays on the inner exception.
            throw new SocketIOBindingException(parameter, index, $"cannot be read as {Describe(typeof(T))}.", ex);
        }

        if (value is null && !allowNull)
        {
            throw new SocketIOBindingException(parameter, index, "is null, but the parameter is not nullable.");
        }

        return value;
    }

    /// <summary>
    /// Binary argument <paramref name="index"/> as an array, bound to <paramref name="parameter"/>. A missing argument
    /// or JSON <c>null</c> binds as <c>null</c> only when <paramref name="allowNull"/>.
    /// </summary>
    /// <exception cref="SocketIOBindingException">The argument is missing, null where not allowed, or not binary.</exception>
    public static byte[]? ReadBytes(SocketIOArguments arguments, int index, string parameter, bool allowNull)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(parameter);
        if (index >= arguments.Count || IsNull(arguments, index))
        {
            return allowNull ? null : throw new SocketIOBindingException(parameter, index, index >= arguments.Count ? "is missing." : "is null, but the parameter is not nullable.");
        }

        var memory = GetBinary(arguments, index, parameter);

        // Received arguments own their attachments (detached), so a whole array is handed out without a copy.
        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }

    /// <summary>
    /// Binary argument <paramref name="index"/>, bound to <paramref name="parameter"/>: JSON <c>null</c> reads as
    /// empty (a <see cref="ReadOnlyMemory{T}"/> has no null); a missing argument does not bind.
    /// </summary>
    /// <exception cref="SocketIOBindingException">The argument is missing or not binary.</exception>
    public static ReadOnlyMemory<byte> ReadMemory(SocketIOArguments arguments, int index, string parameter)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(parameter);
        if (index >= arguments.Count)
        {
            throw new SocketIOBindingException(parameter, index, "is missing.");
        }

        return IsNull(arguments, index) ? ReadOnlyMemory<byte>.Empty : GetBinary(arguments, index, parameter);
    }

    /// <summary>
    /// Throws the <see cref="SocketInvocationException"/> an error acknowledgement stands for: generated typed
    /// broadcasts check each recipient's answer with it before reading a result.
    /// </summary>
    /// <exception cref="SocketInvocationException"><paramref name="arguments"/> is an error acknowledgement.</exception>
    public static void ThrowIfError(string eventName, SocketIOArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (Protocol.SocketIOErrorAck.TryRead(arguments, out var error))
        {
            throw new SocketInvocationException(eventName, error!);
        }
    }

    private static ReadOnlyMemory<byte> GetBinary(SocketIOArguments arguments, int index, string parameter) =>
        arguments.IsBinary(index) ? arguments.GetBytes(index) : throw new SocketIOBindingException(parameter, index, "is not binary data.");

    private static bool IsNull(SocketIOArguments arguments, int index) => arguments.GetRawJson(index).Span.SequenceEqual("null"u8);

    private static string Describe(Type type) => Nullable.GetUnderlyingType(type) is { } underlying ? underlying.Name + "?" : type.Name;
}
