using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Dates in the options Typed builds: written as JavaScript's <c>Date.prototype.toJSON()</c> writes them (UTC, three
/// fraction digits, <c>Z</c>; sub-millisecond ticks dropped), read from that form and from .NET's round-trip form with
/// an offset, through both parsers.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class JavaScriptDateConverterTests
{
    private static readonly JsonSerializerOptions s_options = SocketIOJson.CreateOptions(BinaryJson.Default);

    // 2026-11-27T10:00:40.5171234+02:00, i.e. 08:00:40.5171234 UTC: 1234 ticks below the millisecond.
    private static readonly DateTimeOffset s_withOffset = new DateTimeOffset(2026, 11, 27, 10, 0, 40, 517, TimeSpan.FromHours(2)).AddTicks(1234);

    public static TheoryData<string> Parsers() => new() { "json", "msgpack" };

    [Fact]
    public void A_date_time_offset_is_written_as_date_to_json_writes_it()
    {
        Assert.Equal("\"2026-11-27T08:00:40.517Z\"", JsonSerializer.Serialize(s_withOffset, Info<DateTimeOffset>()));
        Assert.Equal("\"1969-12-31T23:59:59.999Z\"", JsonSerializer.Serialize(DateTimeOffset.UnixEpoch.AddTicks(-1), Info<DateTimeOffset>()));
        Assert.Equal("\"0001-01-01T00:00:00.000Z\"", JsonSerializer.Serialize(DateTimeOffset.MinValue, Info<DateTimeOffset>()));
        Assert.Equal("\"9999-12-31T23:59:59.999Z\"", JsonSerializer.Serialize(DateTimeOffset.MaxValue, Info<DateTimeOffset>()));
    }

    [Fact]
    public void A_date_time_is_written_in_utc_whatever_its_kind()
    {
        var utc = new DateTime(2026, 11, 27, 8, 0, 40, 517, DateTimeKind.Utc).AddTicks(9999);

        Assert.Equal("\"2026-11-27T08:00:40.517Z\"", JsonSerializer.Serialize(utc, Info<DateTime>()));
        Assert.Equal("\"2026-11-27T08:00:40.517Z\"", JsonSerializer.Serialize(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), Info<DateTime>()));
        Assert.Equal("\"2026-11-27T08:00:40.517Z\"", JsonSerializer.Serialize(utc.ToLocalTime(), Info<DateTime>()));
    }

    [Fact]
    public void The_javascript_form_reads_back_as_the_same_instant()
    {
        var offset = JsonSerializer.Deserialize("\"2026-11-27T08:00:40.517Z\"", Info<DateTimeOffset>());
        var time = JsonSerializer.Deserialize("\"2026-11-27T08:00:40.517Z\"", Info<DateTime>());

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 40, 517, TimeSpan.Zero), offset);
        Assert.Equal(TimeSpan.Zero, offset.Offset);
        Assert.Equal(new DateTime(2026, 11, 27, 8, 0, 40, 517, DateTimeKind.Utc), time);
        Assert.Equal(DateTimeKind.Utc, time.Kind);
    }

    [Fact]
    public void The_dotnet_round_trip_form_with_an_offset_reads_exactly()
    {
        var text = "\"" + s_withOffset.ToString("O") + "\"";

        var offset = JsonSerializer.Deserialize(text, Info<DateTimeOffset>());
        var time = JsonSerializer.Deserialize(text, Info<DateTime>());

        Assert.Equal(s_withOffset, offset);
        Assert.Equal(s_withOffset.Offset, offset.Offset);
        Assert.Equal(s_withOffset.UtcDateTime, time);
        Assert.Equal(DateTimeKind.Utc, time.Kind);
    }

    [Fact]
    public void A_text_without_an_offset_is_utc_for_offsets_and_unspecified_for_date_times()
    {
        var offset = JsonSerializer.Deserialize("\"2026-11-27T08:00:40.5\"", Info<DateTimeOffset>());
        var time = JsonSerializer.Deserialize("\"2026-11-27T08:00:40.5\"", Info<DateTime>());

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 8, 0, 40, 500, TimeSpan.Zero), offset);
        Assert.Equal(DateTimeKind.Unspecified, time.Kind);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("1700000000000")]
    [InlineData("\"+275760-09-13T00:00:00.000Z\"")] // a valid JS Date beyond .NET's range
    public void Something_else_is_a_binding_error(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, Info<DateTimeOffset>()));
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Dates_in_a_record_cross_both_parsers_in_the_javascript_form(string parser)
    {
        var stamped = new Stamped(s_withOffset, s_withOffset.UtcDateTime, null);
        var typeInfo = SocketContractJson.GetTypeInfo<Stamped>(BinaryJson.Default);

        var packet = SocketIOPayloadWriter.CreateEvent("/", "e", (stamped, typeInfo), static (SocketIOArgumentWriter writer, in (Stamped Value, JsonTypeInfo<Stamped> Info) state) => writer.Write(state.Value, state.Info), ackId: null);
        var received = BinaryInObjectsTests.RoundTrip(packet, parser);

        Assert.Equal(
            """["e",{"at":"2026-11-27T08:00:40.517Z","when":"2026-11-27T08:00:40.517Z","maybe":null}]""",
            Encoding.UTF8.GetString(received.Data.Span));
        var back = SocketIOArguments.FromEvent(received).GetValue(0, typeInfo)!;
        var truncated = new DateTimeOffset(2026, 11, 27, 8, 0, 40, 517, TimeSpan.Zero);
        Assert.Equal(truncated, back.At);
        Assert.Equal(truncated.UtcDateTime, back.When);
        Assert.Null(back.Maybe);
    }

    [Fact]
    public void A_nullable_date_uses_the_javascript_form_too()
    {
        var json = JsonSerializer.Serialize(new Stamped(default, default, s_withOffset), Info<Stamped>());

        Assert.Contains("\"maybe\":\"2026-11-27T08:00:40.517Z\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_options_write_dates_in_the_javascript_form()
    {
        var options = SocketIOJson.CreateDefaultOptions();

        Assert.Equal("\"2026-11-27T08:00:40.517Z\"", JsonSerializer.Serialize(s_withOffset, (JsonTypeInfo<DateTimeOffset>)options.GetTypeInfo(typeof(DateTimeOffset))));
    }

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)s_options.GetTypeInfo(typeof(T));
}
