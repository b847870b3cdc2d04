using System.Text;

namespace Typed.SocketIO.Tests;

[Trait("Category", TestCategories.Unit)]
public sealed class EngineIOPacketDecodingTests
{
    private static Memory<byte> Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [InlineData("0", EngineIOPacketType.Open, "")]
    [InlineData("1", EngineIOPacketType.Close, "")]
    [InlineData("2", EngineIOPacketType.Ping, "")]
    [InlineData("2probe", EngineIOPacketType.Ping, "probe")]
    [InlineData("3probe", EngineIOPacketType.Pong, "probe")]
    [InlineData("4hello", EngineIOPacketType.Message, "hello")]
    [InlineData("4", EngineIOPacketType.Message, "")]
    [InlineData("5", EngineIOPacketType.Upgrade, "")]
    [InlineData("6", EngineIOPacketType.Noop, "")]
    [InlineData("4héllo ✓ 日本", EngineIOPacketType.Message, "héllo ✓ 日本")]
    public void Text_packet_decodes_type_and_data(string wire, EngineIOPacketType type, string data)
    {
        Assert.True(EngineIOCodec.TryDecodeText(Utf8(wire), out var packet, out var error));
        Assert.Null(error);
        Assert.Equal(type, packet.Type);
        Assert.False(packet.IsBinary);
        Assert.Equal(data, Encoding.UTF8.GetString(packet.Data.Span));
    }

    [Fact]
    public void Base64_packet_decodes_to_a_binary_message()
    {
        Assert.True(EngineIOCodec.TryDecodeText(Utf8("bAQIDBA=="), out var packet, out _));
        Assert.Equal(EngineIOPacketType.Message, packet.Type);
        Assert.True(packet.IsBinary);
        Assert.Equal([1, 2, 3, 4], packet.Data.ToArray());
    }

    [Fact]
    public void Empty_base64_packet_is_an_empty_binary_message()
    {
        Assert.True(EngineIOCodec.TryDecodeText(Utf8("b"), out var packet, out _));
        Assert.True(packet.IsBinary);
        Assert.True(packet.Data.IsEmpty);
    }

    [Theory]
    [InlineData("", "empty packet")]
    [InlineData("7", "unknown packet type")]
    [InlineData("9x", "unknown packet type")]
    [InlineData("a", "unknown packet type")]
    [InlineData("/", "unknown packet type")]
    [InlineData("b!!!notbase64***", "invalid base64 in binary packet")]
    [InlineData("bAQID BA==", "invalid base64 in binary packet")]
    [InlineData("bAQIDBA=", "invalid base64 in binary packet")]
    [InlineData("bAQIDBA", "invalid base64 in binary packet")]
    [InlineData("bAQ=DBA==", "invalid base64 in binary packet")]
    [InlineData("bAQ===", "invalid base64 in binary packet")]
    [InlineData("bAQIDBA==\n", "invalid base64 in binary packet")]
    [InlineData("b-_8=", "invalid base64 in binary packet")]
    public void Malformed_packet_is_refused_with_a_reason(string wire, string reason)
    {
        Assert.False(EngineIOCodec.TryDecodeText(Utf8(wire), out _, out var error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void Probe_is_recognised_only_as_the_exact_word()
    {
        Assert.True(EngineIOCodec.TryDecodeText(Utf8("2probe"), out var probe, out _));
        Assert.True(probe.IsProbe);
        Assert.True(EngineIOCodec.TryDecodeText(Utf8("2probes"), out var notProbe, out _));
        Assert.False(notProbe.IsProbe);
    }
}
