using System.Runtime.InteropServices;
using System.Text.Json;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// What the binary converters share: inside a Socket.IO read or write (<see cref="SocketIOBinaryScope"/>), binary is
/// a placeholder <c>{"_placeholder":true,"num":N}</c> and an attachment, wherever it sits in the argument tree, as
/// socket.io-parser deconstructs a Buffer anywhere in an object; outside one, it is a base64 string, as
/// System.Text.Json writes it by default.
/// </summary>
internal static class SocketIOBinaryJson
{
    /// <summary>Writes <paramref name="bytes"/> as the next attachment of the payload being built, else as base64.</summary>
    public static void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> bytes)
    {
        var builder = SocketIOBinaryScope.Writing;

        // Only the payload's own writer numbers attachments: a converter that serializes into a side writer of its own
        // would otherwise leave a placeholder the packet cannot resolve.
        if (builder is not null && ReferenceEquals(builder.Writer, writer))
        {
            builder.WriteBinary(bytes);
        }
        else
        {
            writer.WriteBase64StringValue(bytes.Span);
        }
    }

    /// <summary>
    /// Reads a placeholder (inside a Socket.IO read) or a base64 string. The reader is on the value's first token and
    /// is left on its last, as a converter must.
    /// </summary>
    /// <exception cref="JsonException">Neither, or a placeholder the packet cannot resolve.</exception>
    public static ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetBytesFromBase64(),
        JsonTokenType.StartObject => ReadPlaceholder(ref reader),
        _ => throw new JsonException($"Expected binary data (a Buffer or ArrayBuffer on the JavaScript side, or a base64 string), not {reader.TokenType}."),
    };

    /// <summary>The bytes as an array: a received attachment that is a whole array is handed out without a copy.</summary>
    public static byte[] ToArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    private static ReadOnlyMemory<byte> ReadPlaceholder(ref Utf8JsonReader reader)
    {
        var isPlaceholder = false;
        var hasNumber = false;
        long number = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("_placeholder"u8))
            {
                reader.Read();
                isPlaceholder = reader.TokenType == JsonTokenType.True;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("num"u8))
            {
                reader.Read();

                // "splice", -1, 0.5 and 1e3 were all tried against socket.io-parser (BAD-INPUTS C20): only an integer counts.
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out number))
                {
                    throw new JsonException("A binary placeholder's num is not an integer.");
                }

                hasNumber = true;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!isPlaceholder)
        {
            throw new JsonException("Expected binary data (a Buffer or ArrayBuffer on the JavaScript side), not an object.");
        }

        var scope = SocketIOBinaryScope.Reading
            ?? throw new JsonException("A binary placeholder outside a Socket.IO packet has no attachment to refer to.");
        return hasNumber ? scope.Take(number) : throw new JsonException("A binary placeholder has no num.");
    }
}
