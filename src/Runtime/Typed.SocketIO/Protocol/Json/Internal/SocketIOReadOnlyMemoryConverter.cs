using System.Text.Json;
using System.Text.Json.Serialization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// <c>ReadOnlyMemory&lt;byte&gt;</c> anywhere in an argument as a Socket.IO attachment (received bytes are not copied:
/// they live as long as the arguments do); base64 outside a Socket.IO call. JSON <c>null</c> reads as empty.
/// </summary>
internal sealed class SocketIOReadOnlyMemoryConverter : JsonConverter<ReadOnlyMemory<byte>>
{
    public static SocketIOReadOnlyMemoryConverter Instance { get; } = new();

    public override ReadOnlyMemory<byte> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? ReadOnlyMemory<byte>.Empty : SocketIOBinaryJson.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, ReadOnlyMemory<byte> value, JsonSerializerOptions options) =>
        SocketIOBinaryJson.Write(writer, value);
}
