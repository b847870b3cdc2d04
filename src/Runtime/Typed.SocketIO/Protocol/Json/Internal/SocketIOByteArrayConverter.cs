using System.Text.Json;
using System.Text.Json.Serialization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// <c>byte[]</c> anywhere in an argument (a record's property, a list's item) as a Socket.IO attachment; base64
/// outside a Socket.IO call. See <see cref="SocketIOBinaryJson"/>.
/// </summary>
internal sealed class SocketIOByteArrayConverter : JsonConverter<byte[]>
{
    public static SocketIOByteArrayConverter Instance { get; } = new();

    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SocketIOBinaryJson.ToArray(SocketIOBinaryJson.Read(ref reader));

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) =>
        SocketIOBinaryJson.Write(writer, value);
}
