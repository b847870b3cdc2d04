using System.Text.Json;
using System.Text.Json.Serialization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// <c>Memory&lt;byte&gt;</c> anywhere in an argument as a Socket.IO attachment; base64 outside a Socket.IO call. A
/// received value is a copy, since it is writable and must not write into the packet's buffers.
/// </summary>
internal sealed class SocketIOMemoryConverter : JsonConverter<Memory<byte>>
{
    public static SocketIOMemoryConverter Instance { get; } = new();

    public override Memory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? Memory<byte>.Empty : SocketIOBinaryJson.Read(ref reader).ToArray();

    public override void Write(Utf8JsonWriter writer, Memory<byte> value, JsonSerializerOptions options) =>
        SocketIOBinaryJson.Write(writer, value);
}
