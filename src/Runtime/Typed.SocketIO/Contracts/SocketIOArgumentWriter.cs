using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Writes typed arguments straight into an outgoing packet: each value written is one argument. JSON values go
/// through source-generated <see cref="JsonTypeInfo{T}"/> into the packet's <see cref="Utf8JsonWriter"/>; binary values
/// become attachments. Only valid inside the <see cref="WriteArgumentsCallback{TState}"/> call it is handed to.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public sealed class SocketIOArgumentWriter
{
    private readonly SocketIOPayloadBuilder _builder;

    internal SocketIOArgumentWriter(SocketIOPayloadBuilder builder) => _builder = builder;

    /// <summary>The packet's JSON writer (JavaScript-compatible escaping), for values written by hand.</summary>
    public Utf8JsonWriter Json => _builder.Writer;

    /// <summary>
    /// Writes <paramref name="value"/> as one JSON argument. With metadata from options Typed built
    /// (<see cref="SocketIOJson"/>), binary values anywhere inside it become attachments (not copied: they must not
    /// change until the packet is sent).
    /// </summary>
    public void Write<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        SocketIOBinaryScope.Serialize(_builder, value, typeInfo);
    }

    /// <summary>Writes a string argument (null as <c>null</c>).</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            _builder.Writer.WriteNullValue();
        }
        else
        {
            _builder.Writer.WriteStringValue(value);
        }
    }

    /// <summary>Writes a number the way <c>JSON.stringify</c> does.</summary>
    public void WriteNumber(double value) => _builder.WriteNumber(value);

    /// <summary>Writes a binary argument: a placeholder in the JSON, the bytes as an attachment (not copied).</summary>
    public void WriteBinary(ReadOnlyMemory<byte> bytes) => _builder.WriteBinary(bytes);

    /// <summary>Writes a binary argument; null is written as <c>null</c>.</summary>
    public void WriteBinary(byte[]? bytes)
    {
        if (bytes is null)
        {
            _builder.Writer.WriteNullValue();
        }
        else
        {
            _builder.WriteBinary(bytes);
        }
    }
}
