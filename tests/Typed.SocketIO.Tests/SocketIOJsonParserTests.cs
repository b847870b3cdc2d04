using System.Text;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>The default parser's encoder: the exact wire forms of SPEC-NOTES B2/B3, Engine.IO <c>4</c> included.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOJsonParserTests
{
    private static readonly byte[] s_first = [1, 2, 3, 4];
    private static readonly byte[] s_second = [5];

    private static List<EngineIOOutgoingPacket> Encode(SocketIOPacket packet)
    {
        var output = new List<EngineIOOutgoingPacket>();
        SocketIOJsonParser.Instance.Encode(packet, output);
        return output;
    }

    private static string Text(EngineIOOutgoingPacket packet)
    {
        Assert.False(packet.IsBinary);
        return Encoding.UTF8.GetString(packet.Encoded.Span);
    }

    private static SocketIOPacket Packet(SocketIOPacketType type, string ns = "/", long? id = null, string? json = null, params byte[][] attachments) => new()
    {
        Type = type,
        Namespace = ns,
        AckId = id,
        Data = json is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(json),
        Attachments = attachments.Select(a => (ReadOnlyMemory<byte>)a).ToArray(),
    };

    [Theory]
    [InlineData(SocketIOPacketType.Connect, "/", null, "{\"sid\":\"x\"}", "40{\"sid\":\"x\"}")]
    [InlineData(SocketIOPacketType.Connect, "/admin", null, "{\"sid\":\"x\"}", "40/admin,{\"sid\":\"x\"}")]
    [InlineData(SocketIOPacketType.Connect, "/", null, null, "40")]
    [InlineData(SocketIOPacketType.ConnectError, "/random", null, "{\"message\":\"Invalid namespace\"}", "44/random,{\"message\":\"Invalid namespace\"}")]
    [InlineData(SocketIOPacketType.Event, "/", null, "[\"foo\"]", "42[\"foo\"]")]
    [InlineData(SocketIOPacketType.Event, "/admin", null, "[\"bar\"]", "42/admin,[\"bar\"]")]
    [InlineData(SocketIOPacketType.Event, "/", 12L, "[\"foo\"]", "4212[\"foo\"]")]
    [InlineData(SocketIOPacketType.Event, "/", 0L, "[\"foo\"]", "420[\"foo\"]")]
    [InlineData(SocketIOPacketType.Ack, "/", 12L, "[]", "4312[]")]
    [InlineData(SocketIOPacketType.Ack, "/admin", 13L, "[\"bar\"]", "43/admin,13[\"bar\"]")]
    [InlineData(SocketIOPacketType.Disconnect, "/", null, null, "41")]
    [InlineData(SocketIOPacketType.Disconnect, "/admin", null, null, "41/admin,")]
    [InlineData(SocketIOPacketType.Event, "/", 9007199254740991L, "[\"max\"]", "429007199254740991[\"max\"]")]
    public void Text_packets_encode_to_the_reference_wire_form(SocketIOPacketType type, string ns, long? id, string? json, string expected)
    {
        var output = Encode(Packet(type, ns, id, json));

        Assert.Equal(expected, Text(Assert.Single(output)));
    }

    [Fact]
    public void Binary_event_is_the_header_then_each_attachment_as_a_binary_message()
    {
        var output = Encode(Packet(SocketIOPacketType.BinaryEvent, json: "[\"baz\",{\"_placeholder\":true,\"num\":0}]", attachments: s_first));

        Assert.Equal(2, output.Count);
        Assert.Equal("451-[\"baz\",{\"_placeholder\":true,\"num\":0}]", Text(output[0]));
        Assert.True(output[1].IsBinary);
        Assert.Equal(s_first, output[1].Encoded.ToArray());
    }

    [Fact]
    public void Binary_event_in_a_namespace_with_two_attachments()
    {
        const string json = "[\"baz\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";
        var output = Encode(Packet(SocketIOPacketType.BinaryEvent, "/admin", json: json, attachments: [s_first, s_second]));

        Assert.Equal("452-/admin," + json, Text(output[0]));
        Assert.Equal(s_first, output[1].Encoded.ToArray());
        Assert.Equal(s_second, output[2].Encoded.ToArray());
    }

    [Fact]
    public void Binary_ack_writes_count_then_id()
    {
        var output = Encode(Packet(SocketIOPacketType.BinaryAck, id: 15, json: "[\"bar\",{\"_placeholder\":true,\"num\":0}]", attachments: s_first));

        Assert.Equal("461-15[\"bar\",{\"_placeholder\":true,\"num\":0}]", Text(output[0]));
    }

    [Theory]
    [InlineData(SocketIOPacketType.BinaryEvent, "42[\"e\"]")]
    [InlineData(SocketIOPacketType.BinaryAck, "431[\"e\"]")]
    public void A_binary_type_without_attachments_is_never_written_as_50_dash(SocketIOPacketType type, string expected)
    {
        var output = Encode(Packet(type, id: type == SocketIOPacketType.BinaryAck ? 1 : null, json: "[\"e\"]"));

        Assert.Equal(expected, Text(Assert.Single(output)));
    }

    [Fact]
    public void An_event_with_attachments_is_written_as_a_binary_event()
    {
        var output = Encode(Packet(SocketIOPacketType.Event, json: "[\"e\",{\"_placeholder\":true,\"num\":0}]", attachments: s_first));

        Assert.StartsWith("451-", Text(output[0]));
    }

    [Fact]
    public void The_text_message_is_one_exactly_sized_array_and_attachments_are_not_copied()
    {
        var attachment = new ReadOnlyMemory<byte>(s_first);
        var output = Encode(new SocketIOPacket
        {
            Type = SocketIOPacketType.BinaryEvent,
            Data = Encoding.UTF8.GetBytes("[\"e\",{\"_placeholder\":true,\"num\":0}]"),
            Attachments = [attachment],
        });

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(output[0].Encoded, out var segment));
        Assert.Equal(segment.Array!.Length, segment.Count);
        Assert.True(output[1].Encoded.Span == attachment.Span);
    }

    [Fact]
    public void Non_ascii_namespace_is_written_in_utf8()
    {
        Assert.Equal("42/café,[\"x\"]", Text(Assert.Single(Encode(Packet(SocketIOPacketType.Event, "/café", json: "[\"x\"]")))));
    }

    [Fact]
    public void Attachments_on_a_connect_packet_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Encode(Packet(SocketIOPacketType.Connect, json: "{}", attachments: s_first)));
    }

    [Fact]
    public void Encoded_packets_decode_back_through_the_json_decoder()
    {
        var packets = new[]
        {
            Packet(SocketIOPacketType.Connect, "/admin", json: "{\"token\":\"t\"}"),
            Packet(SocketIOPacketType.Event, "/", 7, "[\"hello\",1,\"2\",{\"3\":[true]}]"),
            Packet(SocketIOPacketType.BinaryAck, "/x", 3, "[{\"_placeholder\":true,\"num\":1},{\"nested\":[{\"_placeholder\":true,\"num\":0}]}]", s_first, s_second),
        };
        var decoder = SocketIOJsonParser.Instance.CreateDecoder(new SocketIOParserLimits());
        foreach (var original in packets)
        {
            var output = Encode(original);
            SocketIOPacket? decoded = null;
            foreach (var message in output)
            {
                // The decoder takes the Engine.IO data: text without its leading '4'.
                var data = message.IsBinary ? message.Encoded : message.Encoded[1..];
                var status = decoder.Decode(data, message.IsBinary, out decoded, out var error);
                Assert.NotEqual(SocketIODecodeStatus.Error, status);
            }

            Assert.NotNull(decoded);
            Assert.Equal(SocketIOJsonParser.WireType(original.Type, original.Attachments.Count), decoded.Type);
            Assert.Equal(original.Namespace, decoded.Namespace);
            Assert.Equal(original.AckId, decoded.AckId);
            Assert.Equal(original.Data.ToArray(), decoded.Data.ToArray());
            Assert.Equal(original.Attachments.Select(a => a.ToArray()), decoded.Attachments.Select(a => a.ToArray()));
        }
    }

    [Fact]
    public void Name_is_json()
    {
        Assert.Equal("json", SocketIOJsonParser.Instance.Name);
        Assert.IsType<SocketIOJsonDecoder>(SocketIOJsonParser.Instance.CreateDecoder(new SocketIOParserLimits()));
    }
}
