using System.Buffers;
using System.Text.Json;

namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// The CONNECT auth of a reconnection that asks for its session back: socket.io-client's
/// <c>Object.assign({ pid, offset }, auth)</c>, so the application's own <c>pid</c>/<c>offset</c> keys, if any, win.
/// </summary>
internal static class RecoveryAuth
{
    public static byte[] Merge(string pid, string? offset, ReadOnlyMemory<byte> auth)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + auth.Length);
        using (var writer = new Utf8JsonWriter(buffer, JavaScriptJson.WriterOptions))
        {
            JsonElement? user = null;
            using var document = auth.IsEmpty ? null : JsonDocument.Parse(auth);
            if (document is not null)
            {
                user = document.RootElement;
            }

            writer.WriteStartObject();
            if (user is not { } u1 || !u1.TryGetProperty("pid"u8, out _))
            {
                writer.WriteString("pid"u8, pid);
            }

            // An undefined offset (nothing received yet) is left out, as JSON.stringify does.
            if (offset is not null && (user is not { } u2 || !u2.TryGetProperty("offset"u8, out _)))
            {
                writer.WriteString("offset"u8, offset);
            }

            if (user is { } value)
            {
                foreach (var property in value.EnumerateObject())
                {
                    property.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
