using System.Buffers;
using System.Text;

namespace Typed.SocketIO.Tests;

[Trait("Category", TestCategories.Unit)]
public sealed class EngineIOPayloadTests
{
    private static Memory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static List<EngineIOPacket> Decode(string body, int maxPackets = 1000)
    {
        var packets = new List<EngineIOPacket>();
        Assert.True(EngineIOCodec.TryDecodePayload(Utf8(body), packets, maxPackets, out var error), error);
        return packets;
    }

    private static string Encode(params EngineIOOutgoingPacket[] packets)
    {
        var writer = new ArrayBufferWriter<byte>();
        EngineIOCodec.WritePayload(packets, writer);
        Assert.Equal(EngineIOCodec.GetPayloadLength(packets), writer.WrittenCount);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }

    [Fact]
    public void Payload_splits_on_record_separators()
    {
        var packets = Decode("4hello\u001e2\u001e4world");

        Assert.Equal([EngineIOPacketType.Message, EngineIOPacketType.Ping, EngineIOPacketType.Message], packets.Select(p => p.Type));
        Assert.Equal("hello", Encoding.UTF8.GetString(packets[0].Data.Span));
        Assert.Equal("world", Encoding.UTF8.GetString(packets[2].Data.Span));
    }

    [Fact]
    public void Payload_mixes_text_and_base64_binary()
    {
        var packets = Decode("4hello\u001ebAQIDBA==");

        Assert.False(packets[0].IsBinary);
        Assert.True(packets[1].IsBinary);
        Assert.Equal([1, 2, 3, 4], packets[1].Data.ToArray());
    }

    [Fact]
    public void Single_packet_payload_has_no_separator()
    {
        var packet = Assert.Single(Decode("4only"));
        Assert.Equal("only", Encoding.UTF8.GetString(packet.Data.Span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("4a\u001e\u001e4b")]
    [InlineData("4a\u001e")]
    [InlineData("\u001e4a")]
    [InlineData("4a\u001ezz\u001e4b")]
    [InlineData("4a\u001eb!!!notbase64***")]
    public void Payload_with_an_empty_or_bad_piece_is_refused(string body)
    {
        var packets = new List<EngineIOPacket>();
        Assert.False(EngineIOCodec.TryDecodePayload(Utf8(body), packets, 1000, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Payload_with_invalid_utf8_is_refused()
    {
        var body = new byte[] { (byte)'4', 0xC3, 0x28 };
        Assert.False(EngineIOCodec.TryDecodePayload(body, [], 1000, out var error));
        Assert.Equal("payload is not valid UTF-8", error);
    }

    [Fact]
    public void Payload_at_the_packet_cap_is_accepted_and_one_more_is_refused()
    {
        var atCap = string.Join('\u001e', Enumerable.Repeat("3", 100));
        Assert.Equal(100, Decode(atCap, maxPackets: 100).Count);

        var overCap = atCap + "\u001e3";
        Assert.False(EngineIOCodec.TryDecodePayload(Utf8(overCap), [], 100, out var error));
        Assert.Equal("payload holds more than 100 packets", error);
    }

    [Fact]
    public void Half_a_million_pings_are_refused_at_the_cap_without_decoding_them_all()
    {
        var body = Utf8(string.Join('\u001e', Enumerable.Repeat("2", 500_000)));
        var packets = new List<EngineIOPacket>();

        Assert.False(EngineIOCodec.TryDecodePayload(body, packets, 10_000, out _));
        Assert.Equal(10_000, packets.Count);
    }

    [Fact]
    public void Encoder_joins_packets_with_separators_and_base64_for_binary()
    {
        var body = Encode(
            EngineIOOutgoingPacket.FromText("hello"),
            EngineIOOutgoingPacket.FromBinary(new byte[] { 1, 2, 3, 4 }),
            EngineIOOutgoingPacket.Ping);

        Assert.Equal("4hello\u001ebAQIDBA==\u001e2", body);
    }

    [Fact]
    public void Encoder_writes_a_single_packet_without_separator()
    {
        Assert.Equal("6", Encode(EngineIOOutgoingPacket.Noop));
        Assert.Equal("1", Encode(EngineIOOutgoingPacket.Close));
        Assert.Equal("6\u001e1", Encode(EngineIOOutgoingPacket.Noop, EngineIOOutgoingPacket.Close));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(100_000)]
    public void Binary_round_trips_through_a_payload(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var body = Encode(EngineIOOutgoingPacket.FromText("before"), EngineIOOutgoingPacket.FromBinary(bytes));

        var packets = Decode(body);

        Assert.Equal(bytes, packets[1].Data.ToArray());
        Assert.Equal("before", Encoding.UTF8.GetString(packets[0].Data.Span));
    }

    [Fact]
    public void Unicode_text_round_trips_through_a_payload()
    {
        const string text = "héllo ✓ 日本 \U0001F600";
        var packets = Decode(Encode(EngineIOOutgoingPacket.FromText(text), EngineIOOutgoingPacket.FromText(text)));

        Assert.All(packets, p => Assert.Equal(text, Encoding.UTF8.GetString(p.Data.Span)));
    }

    [Fact]
    public void Binary_as_base64_text_frame_has_the_b_prefix()
    {
        Assert.Equal("bAQIDBA==", Encoding.ASCII.GetString(EngineIOCodec.EncodeBinaryAsBase64Text([1, 2, 3, 4])));
    }
}
