using System.Text.Json;
using System.Text.Json.Serialization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// <see cref="DateTimeOffset"/> as JavaScript's <c>Date.prototype.toJSON()</c> writes a date: UTC, exactly three
/// fraction digits, <c>Z</c> (<c>2026-11-27T10:00:40.517Z</c>), so <c>new Date(x).toJSON() === x</c> on the JS side.
/// Ticks below the millisecond are dropped (a JS Date holds whole milliseconds), and the offset is not kept: the
/// instant is. Reads any ISO 8601 form System.Text.Json reads (the JS form, .NET's round-trip form with an offset);
/// a text without an offset is taken as UTC, not as the machine's local time.
/// </summary>
internal sealed class JavaScriptDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public static JavaScriptDateTimeOffsetConverter Instance { get; } = new();

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // TryGetDateTime tells whether the text carried an offset (Utc for Z, Local for ±hh:mm, Unspecified for none).
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var dateTime))
        {
            throw new JsonException("Expected a date: an ISO 8601 string such as JavaScript's Date.toJSON() writes.");
        }

        return dateTime.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(dateTime, TimeSpan.Zero) : reader.GetDateTimeOffset();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        JavaScriptDateJson.Write(writer, value.ToUnixTimeMilliseconds());
}
