using System.Text.Json;
using System.Text.Json.Serialization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// <see cref="DateTime"/> as JavaScript's <c>Date.prototype.toJSON()</c> writes a date (see
/// <see cref="JavaScriptDateTimeOffsetConverter"/>). A <see cref="DateTimeKind.Local"/> value is converted to UTC; an
/// <see cref="DateTimeKind.Unspecified"/> one is taken as UTC, the way servers usually store them. Reading gives
/// <see cref="DateTimeKind.Utc"/> for a text with <c>Z</c> or an offset (the same instant, never the machine's local
/// time), and <see cref="DateTimeKind.Unspecified"/> for one without.
/// </summary>
internal sealed class JavaScriptDateTimeConverter : JsonConverter<DateTime>
{
    public static JavaScriptDateTimeConverter Instance { get; } = new();

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var dateTime))
        {
            throw new JsonException("Expected a date: an ISO 8601 string such as JavaScript's Date.toJSON() writes.");
        }

        // An offset made System.Text.Json convert to local time; read the instant again exactly rather than convert
        // back, which is ambiguous in the hour a daylight-saving change repeats.
        return dateTime.Kind == DateTimeKind.Local ? reader.GetDateTimeOffset().UtcDateTime : dateTime;
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        var instant = value.Kind == DateTimeKind.Local
            ? new DateTimeOffset(value)
            : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
        JavaScriptDateJson.Write(writer, instant.ToUnixTimeMilliseconds());
    }
}
