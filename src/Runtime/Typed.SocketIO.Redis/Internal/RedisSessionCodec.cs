using System.Buffers;
using System.Text.Json;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// A recovery session as @socket.io/redis-streams-adapter keeps it: the MessagePack of socket.io's
/// <c>{sid, pid, rooms, data}</c>, base64-encoded, under <c>sessionKeyPrefix + pid</c>. Typed adds <c>user</c> (the
/// user the session is bound to) and <c>disconnectedAt</c> (Unix milliseconds); Node ignores both. Reading is strict:
/// anything else in the key is refused, and the data is read through the MessagePack parser's own limits.
/// </summary>
internal static class RedisSessionCodec
{
    /// <summary>Longest socket id or pid accepted (both sides use 20 characters).</summary>
    private const int MaxIdLength = 128;

    public static string Encode(SocketIOSession session, JsonSerializerOptions serializer)
    {
        var dataJson = RedisAdapterBase.WriteJson(writer =>
        {
            foreach (var (key, value) in session.Data)
            {
                // Only values the application's serializer knows (AOT-safe metadata); as fetchSockets does.
                if (value is null)
                {
                    writer.WriteNull(key);
                }
                else if (value is JsonElement element)
                {
                    writer.WritePropertyName(key);
                    element.WriteTo(writer);
                }
                else if (serializer.TryGetTypeInfo(value.GetType(), out var typeInfo))
                {
                    writer.WritePropertyName(key);
                    JsonSerializer.Serialize(writer, value, typeInfo);
                }
            }
        });

        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackBufferWriter(buffer);
        writer.WriteMapHeader(session.User is null ? 5 : 6);
        writer.WriteString("sid"u8);
        writer.Write(session.Id);
        writer.WriteString("pid"u8);
        writer.Write(session.Pid);
        writer.WriteString("rooms"u8);
        writer.WriteArrayHeader(session.Rooms.Count);
        foreach (var room in session.Rooms)
        {
            writer.Write(room);
        }

        writer.WriteString("data"u8);
        JsonToMessagePackTranscoder.Write(writer, dataJson.Span, []);
        writer.WriteString("disconnectedAt"u8);
        writer.Write(session.DisconnectedAt.ToUnixTimeMilliseconds());
        if (session.User is not null)
        {
            writer.WriteString("user"u8);
            writer.Write(session.User);
        }

        return Convert.ToBase64String(buffer.WrittenSpan);
    }

    /// <summary>Reads a stored session; null (with the reason) when it is not exactly what a server writes.</summary>
    public static SocketIOSession? Decode(string stored, string pid, SocketIOParserLimits limits, out string? reason)
    {
        var bytes = new byte[(stored.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(stored, bytes, out var length))
        {
            reason = "the session is not base64";
            return null;
        }

        var span = bytes.AsSpan(0, length);
        if (!RedisMessagePack.TryReadMap(span, out var fields)
            || !fields.TryGetValue("sid", out var sidRange) || !RedisMessagePack.TryReadString(span[sidRange], out var sid)
            || !fields.TryGetValue("pid", out var pidRange) || !RedisMessagePack.TryReadString(span[pidRange], out var storedPid)
            || !fields.TryGetValue("rooms", out var roomsRange) || !RedisMessagePack.TryReadStrings(span[roomsRange], out var rooms))
        {
            reason = "the session is not {sid, pid, rooms, data}";
            return null;
        }

        if (sid.Length is 0 or > MaxIdLength || storedPid != pid)
        {
            reason = "the session's ids are invalid";
            return null;
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (fields.TryGetValue("data", out var dataRange) && !(span[dataRange].Length == 1 && span[dataRange][0] == 0xc0))
        {
            if (!RedisPacketCodec.TryDecodeAckValue(span[dataRange], limits, out var arguments, out _) || arguments.Attachments.Count != 0)
            {
                reason = "the session's data is invalid";
                return null;
            }

            using var document = JsonDocument.Parse(arguments.GetRawJson(0));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                reason = "the session's data is not an object";
                return null;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                data[property.Name] = property.Value.Clone();
            }
        }

        string? user = null;
        if (fields.TryGetValue("user", out var userRange) && !RedisMessagePack.TryReadString(span[userRange], out user))
        {
            reason = "the session's user is not a string";
            return null;
        }

        var disconnectedAt = DateTimeOffset.UtcNow;
        if (fields.TryGetValue("disconnectedAt", out var atRange))
        {
            if (!RedisMessagePack.TryReadInteger(span[atRange], 0, 253402300799999, out var milliseconds))
            {
                reason = "the session's time is invalid";
                return null;
            }

            disconnectedAt = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }

        reason = null;
        return new SocketIOSession { Id = sid, Pid = pid, Rooms = rooms, Data = data, User = user, DisconnectedAt = disconnectedAt };
    }
}
