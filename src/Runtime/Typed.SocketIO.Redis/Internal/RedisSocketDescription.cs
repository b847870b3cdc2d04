using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// The JSON form of a socket in a <c>REMOTE_FETCH</c> answer, as socket.io writes it:
/// <c>{id, handshake: {headers, time, address, xdomain, secure, issued, url, query, auth}, rooms, data}</c>.
/// </summary>
internal static class RedisSocketDescription
{
    /// <summary>Writes a local socket.</summary>
    public static void Write(Utf8JsonWriter writer, SocketIOSocket socket, JsonSerializerOptions options)
    {
        var handshake = socket.Handshake;
        writer.WriteStartObject();
        writer.WriteString("id", socket.Id);
        writer.WriteStartObject("handshake");
        writer.WriteStartObject("headers");
        foreach (var (name, values) in handshake.Headers)
        {
            // Node lower-cases header names and joins repeated ones with ", " (set-cookie aside).
            writer.WriteString(name.ToLowerInvariant(), values.ToString());
        }

        writer.WriteEndObject();
        writer.WriteString("time", handshake.Time.ToString("R", CultureInfo.InvariantCulture));
        writer.WriteString("address", handshake.Address?.ToString() ?? string.Empty);
        writer.WriteBoolean("xdomain", handshake.Headers.ContainsKey("Origin"));
        writer.WriteBoolean("secure", handshake.IsSecure);
        writer.WriteNumber("issued", handshake.Issued.ToUnixTimeMilliseconds());
        writer.WriteString("url", handshake.Url);
        writer.WriteStartObject("query");
        foreach (var (name, values) in handshake.Query)
        {
            writer.WriteString(name, values.ToString());
        }

        writer.WriteEndObject();
        writer.WritePropertyName("auth");
        handshake.Auth.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteStartArray("rooms");
        foreach (var room in socket.Rooms)
        {
            writer.WriteStringValue(room);
        }

        writer.WriteEndArray();
        writer.WriteStartObject("data");
        foreach (var (key, value) in socket.Data)
        {
            // Only values the application's serializer knows (AOT-safe metadata); others stay on this server.
            if (value is null)
            {
                writer.WriteNull(key);
            }
            else if (options.TryGetTypeInfo(value.GetType(), out var typeInfo))
            {
                writer.WritePropertyName(key);
                JsonSerializer.Serialize(writer, value, typeInfo);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Reads a remote socket; false (nothing kept) when the description is not the expected shape.</summary>
    public static bool TryRead(JsonElement element, SocketIONamespace ns, out RedisRemoteSocket? socket)
    {
        socket = null;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || !element.TryGetProperty("handshake", out var handshake) || handshake.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        var rooms = new List<string>();
        if (element.TryGetProperty("rooms", out var roomsElement))
        {
            if (roomsElement.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            foreach (var room in roomsElement.EnumerateArray())
            {
                if (room.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                rooms.Add(room.GetString()!);
            }
        }

        var data = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (element.TryGetProperty("data", out var dataElement) && dataElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in dataElement.EnumerateObject())
            {
                data[property.Name] = property.Value.Clone();
            }
        }

        socket = new RedisRemoteSocket(ns, id.GetString()!, ReadHandshake(handshake), rooms, data);
        return true;
    }

    private static SocketIOHandshake ReadHandshake(JsonElement handshake)
    {
        var headers = new HeaderDictionary();
        if (handshake.TryGetProperty("headers", out var headerElement) && headerElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in headerElement.EnumerateObject())
            {
                if (ReadValues(header.Value) is { } values)
                {
                    headers[header.Name] = values;
                }
            }
        }

        var query = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        if (handshake.TryGetProperty("query", out var queryElement) && queryElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var parameter in queryElement.EnumerateObject())
            {
                if (ReadValues(parameter.Value) is { } values)
                {
                    query[parameter.Name] = values;
                }
            }
        }

        var address = String(handshake, "address") is { } text && IPAddress.TryParse(text, out var parsed) ? parsed : null;
        var time = String(handshake, "time") is { } timeText && DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : default;
        var issued = handshake.TryGetProperty("issued", out var issuedElement) && issuedElement.ValueKind == JsonValueKind.Number
            && issuedElement.TryGetInt64(out var milliseconds) && milliseconds is >= -62135596800000 and <= 253402300799999
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : default;
        var secure = handshake.TryGetProperty("secure", out var secureElement) && secureElement.ValueKind == JsonValueKind.True;
        var auth = handshake.TryGetProperty("auth", out var authElement) ? authElement.Clone() : default;
        return new SocketIOHandshake(headers, new QueryCollection(query), address, time, issued, String(handshake, "url") ?? string.Empty, secure, auth);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static StringValues? ReadValues(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return new StringValues(value.GetString());
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                list.Add(item.GetString()!);
            }
        }

        return new StringValues([.. list]);
    }
}
