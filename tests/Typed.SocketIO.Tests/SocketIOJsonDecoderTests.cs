using System.Text;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>The default Socket.IO parser's decoder: the wire forms of SPEC-NOTES B2 and every row of BAD-INPUTS C.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOJsonDecoderTests
{
    private static readonly byte[] s_buffer = [1, 2, 3, 4];

    private static SocketIOJsonDecoder NewDecoder() => new(new SocketIOParserLimits());

    private static SocketIOPacket DecodeOne(string text)
    {
        var status = NewDecoder().Decode(Encoding.UTF8.GetBytes(text), isBinary: false, out var packet, out var error);
        Assert.True(status == SocketIODecodeStatus.Packet, $"{text}: {status} {error}");
        return packet!;
    }

    private static string Refusal(string text, SocketIOJsonDecoder? decoder = null)
    {
        var status = (decoder ?? NewDecoder()).Decode(Encoding.UTF8.GetBytes(text), isBinary: false, out var packet, out var error);
        Assert.Equal(SocketIODecodeStatus.Error, status);
        Assert.Null(packet);
        return error!;
    }

    private static string Json(SocketIOPacket packet) => Encoding.UTF8.GetString(packet.Data.Span);

    [Theory]
    [InlineData("0", SocketIOPacketType.Connect, "/", null, "")]
    [InlineData("0{\"token\":\"x\"}", SocketIOPacketType.Connect, "/", null, "{\"token\":\"x\"}")]
    [InlineData("0/admin,{\"t\":1}", SocketIOPacketType.Connect, "/admin", null, "{\"t\":1}")]
    [InlineData("0/custom", SocketIOPacketType.Connect, "/custom", null, "")]
    [InlineData("1/custom", SocketIOPacketType.Disconnect, "/custom", null, "")]
    [InlineData("1/admin,", SocketIOPacketType.Disconnect, "/admin", null, "")]
    [InlineData("2[\"foo\"]", SocketIOPacketType.Event, "/", null, "[\"foo\"]")]
    [InlineData("2/admin,[\"bar\"]", SocketIOPacketType.Event, "/admin", null, "[\"bar\"]")]
    [InlineData("212[\"foo\"]", SocketIOPacketType.Event, "/", 12L, "[\"foo\"]")]
    [InlineData("20[\"foo\"]", SocketIOPacketType.Event, "/", 0L, "[\"foo\"]")]
    [InlineData("312[]", SocketIOPacketType.Ack, "/", 12L, "[]")]
    [InlineData("3/admin,13[\"bar\"]", SocketIOPacketType.Ack, "/admin", 13L, "[\"bar\"]")]
    [InlineData("4{\"message\":\"nope\"}", SocketIOPacketType.ConnectError, "/", null, "{\"message\":\"nope\"}")]
    [InlineData("4\"v2 message\"", SocketIOPacketType.ConnectError, "/", null, "\"v2 message\"")]
    [InlineData("0/?foo=bar,", SocketIOPacketType.Connect, "/?foo=bar", null, "")]
    [InlineData("29007199254740991[\"max\"]", SocketIOPacketType.Event, "/", 9007199254740991L, "[\"max\"]")]
    public void Wire_forms_decode(string text, SocketIOPacketType type, string ns, long? ackId, string json)
    {
        var packet = DecodeOne(text);

        Assert.Equal(type, packet.Type);
        Assert.Equal(ns, packet.Namespace);
        Assert.Equal(ackId, packet.AckId);
        Assert.Equal(json, Json(packet));
    }

    [Theory]
    [InlineData("2[\"message\",1,\"2\",{\"3\":[true]}]", "message")]
    [InlineData("2[\"error\",\"x\"]", "error")] // C10: an ordinary user event
    [InlineData("2[42,\"x\"]", "42")] // C8: numeric names dispatch by their digits
    [InlineData("2[\"caf\\u00e9\"]", "café")]
    [InlineData("2 [\"hello\"]", "hello")] // C16: a space is not an id; the JSON may start with whitespace
    public void Event_name_is_read(string text, string name)
    {
        Assert.Equal(name, DecodeOne(text).EventName);
    }

    [Theory]
    [InlineData("0[]")] // C2
    [InlineData("0\"x\"")]
    [InlineData("0/admin,\"invalid\"")]
    [InlineData("0admin,{}")] // C3: no leading slash: namespace "/" and bad JSON
    [InlineData("2{\"a\":1}")] // C6
    [InlineData("2\"x\"")]
    [InlineData("2[]")]
    [InlineData("2")]
    [InlineData("2[{\"toString\":\"foo\"}]")] // C7 (CVE-2023-32695)
    [InlineData("2[true,\"x\"]")]
    [InlineData("2[null,\"x\"]")]
    [InlineData("2[[\"x\"]]")]
    [InlineData("2[\"connect\"]")] // C9: reserved names
    [InlineData("2[\"connect_error\"]")]
    [InlineData("2[\"disconnect\",\"x\"]")]
    [InlineData("2[\"disconnecting\"]")]
    [InlineData("2[\"newListener\"]")]
    [InlineData("2[\"removeListener\"]")]
    [InlineData("1/admin,{}")] // C12
    [InlineData("1{}")]
    [InlineData("31\"x\"")] // C13
    [InlineData("3")]
    [InlineData("2-1[\"a\"]")] // C15
    [InlineData("2[\"x\"]abc")] // trailing text after the JSON
    [InlineData("2[\"x\"")] // truncated
    [InlineData("2[\"x\",]")] // trailing comma
    [InlineData("2[\"x\" /* c */]")] // comments
    [InlineData("4[]")]
    public void Invalid_payload_is_refused(string text)
    {
        Assert.Equal("invalid payload", Refusal(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("7[\"x\"]")] // C11
    [InlineData("9")]
    [InlineData("x")]
    public void Unknown_or_missing_type_is_refused(string text)
    {
        Assert.NotNull(Refusal(text));
    }

    [Theory]
    [InlineData("5")] // C17
    [InlineData("51")]
    [InlineData("5a-")]
    [InlineData("51.23-")]
    [InlineData("5-1-")]
    [InlineData("50-[\"e\"]")] // C19: zero attachments
    [InlineData("60-[]")]
    public void Malformed_attachment_header_is_refused(string text)
    {
        Assert.Equal("illegal attachments", Refusal(text));
    }

    [Theory]
    [InlineData("511-[\"e\"]")] // C18
    [InlineData("51e3-[\"e\"]")]
    [InlineData("599999-[\"e\"]")]
    public void Too_many_attachments_are_refused(string text)
    {
        Assert.NotNull(Refusal(text));
    }

    [Fact]
    public void Ack_id_beyond_javascript_integers_is_refused()
    {
        // C14: 30 and 400 digits, and 2^53 (one past the largest exact JavaScript integer).
        Assert.Equal("invalid ack id", Refusal("2" + new string('1', 30) + "[\"a\"]"));
        Assert.Equal("invalid ack id", Refusal("2" + new string('9', 400) + "[\"a\"]"));
        Assert.Equal("invalid ack id", Refusal("29007199254740992[\"a\"]"));
    }

    [Fact]
    public void Namespace_longer_than_the_limit_is_refused()
    {
        Assert.Equal("namespace too long", Refusal("0/" + new string('a', 300) + ",{}"));
        Assert.Equal("/" + new string('a', 255), DecodeOne("0/" + new string('a', 255) + ",{}").Namespace);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_recursion()
    {
        // C23: 100,000 levels would overflow a recursive walker's stack and kill the process.
        var deep = "2[\"e\"," + new string('[', 100_000) + new string(']', 100_000) + "]";
        Assert.Equal("invalid payload", Refusal(deep));

        var justUnderTheLimit = "2[\"e\"," + new string('[', 62) + new string(']', 62) + "]";
        Assert.Equal("e", DecodeOne(justUnderTheLimit).EventName);
    }

    [Fact]
    public void Large_numbers_and_long_strings_are_accepted_for_the_binder_to_judge()
    {
        // C24: the parser checks structure; converting 1e400 is the typed binder's business.
        Assert.Equal("[\"e\",1e400]", Json(DecodeOne("2[\"e\",1e400]")));
        var big = "2[\"e\",\"" + new string('x', 900_000) + "\"]";
        Assert.Equal(big.Length - 1, DecodeOne(big).Data.Length);
    }

    [Fact]
    public void Binary_event_waits_for_its_attachments_then_completes()
    {
        var decoder = NewDecoder();
        var header = Encoding.UTF8.GetBytes("51-[\"baz\",{\"_placeholder\":true,\"num\":0}]");

        Assert.Equal(SocketIODecodeStatus.NeedMore, decoder.Decode(header, false, out _, out _));
        Assert.True(decoder.IsReassembling);
        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(s_buffer, true, out var packet, out _));

        Assert.Equal(SocketIOPacketType.BinaryEvent, packet!.Type);
        Assert.Equal("baz", packet.EventName);
        Assert.Equal(s_buffer, Assert.Single(packet.Attachments).ToArray());
        Assert.False(decoder.IsReassembling);
    }

    [Fact]
    public void Binary_ack_with_namespace_id_and_nested_placeholders_completes()
    {
        var decoder = NewDecoder();
        var header = "62-/admin,15[{\"_placeholder\":true,\"num\":0},{\"nested\":[{\"_placeholder\":true,\"num\":1}]}]";

        Assert.Equal(SocketIODecodeStatus.NeedMore, decoder.Decode(Encoding.UTF8.GetBytes(header), false, out _, out _));
        Assert.Equal(SocketIODecodeStatus.NeedMore, decoder.Decode(new byte[] { 1, 2, 3 }, true, out _, out _));
        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(new byte[] { 4 }, true, out var packet, out _));

        Assert.Equal(SocketIOPacketType.BinaryAck, packet!.Type);
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(15, packet.AckId);
        Assert.Equal([new byte[] { 1, 2, 3 }, new byte[] { 4 }], packet.Attachments.Select(a => a.ToArray()));
    }

    [Theory]
    [InlineData("51-[\"e\",{\"_placeholder\":true,\"num\":1}]")] // C20: out of range
    [InlineData("51-[\"e\",{\"_placeholder\":true,\"num\":\"splice\"}]")]
    [InlineData("51-[\"e\",{\"_placeholder\":true,\"num\":-1}]")]
    [InlineData("51-[\"e\",{\"_placeholder\":true,\"num\":0.5}]")]
    [InlineData("51-[\"e\",{\"_placeholder\":true}]")]
    [InlineData("51-[\"e\",{\"a\":{\"_placeholder\":true,\"num\":7}}]")]
    public void Placeholder_with_an_invalid_index_is_refused(string header)
    {
        var decoder = NewDecoder();
        Assert.Equal(SocketIODecodeStatus.NeedMore, decoder.Decode(Encoding.UTF8.GetBytes(header), false, out _, out _));

        Assert.Equal(SocketIODecodeStatus.Error, decoder.Decode(s_buffer, true, out var packet, out var error));
        Assert.Equal("illegal attachments", error);
        Assert.Null(packet);
        Assert.False(decoder.IsReassembling);
    }

    [Fact]
    public void Object_whose_placeholder_flag_is_not_true_is_ordinary_data()
    {
        var decoder = NewDecoder();
        decoder.Decode(Encoding.UTF8.GetBytes("51-[\"e\",{\"_placeholder\":\"yes\",\"num\":9},{\"_placeholder\":true,\"num\":0}]"), false, out _, out _);

        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(s_buffer, true, out _, out _));
    }

    [Fact]
    public void Unreferenced_attachments_are_accepted_and_dropped_at_once()
    {
        // C21: as the reference, for compatibility; the extra buffer is not kept.
        var decoder = NewDecoder();
        decoder.Decode(Encoding.UTF8.GetBytes("52-[\"e\",{\"_placeholder\":true,\"num\":0}]"), false, out _, out _);
        decoder.Decode(s_buffer, true, out _, out _);

        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(new byte[] { 9, 9 }, true, out var packet, out _));
        Assert.Equal(s_buffer, packet!.Attachments[0].ToArray());
        Assert.True(packet.Attachments[1].IsEmpty);
    }

    [Fact]
    public void Binary_frame_without_a_header_is_refused()
    {
        // C22
        Assert.Equal(SocketIODecodeStatus.Error, NewDecoder().Decode(s_buffer, true, out _, out var error));
        Assert.Equal("got binary data when not reconstructing a packet", error);
    }

    [Fact]
    public void Text_packet_during_reassembly_is_refused_and_resets_the_decoder()
    {
        var decoder = NewDecoder();
        decoder.Decode(Encoding.UTF8.GetBytes("51-[\"e\",{\"_placeholder\":true,\"num\":0}]"), false, out _, out _);

        Assert.Equal("got plaintext data when reconstructing a packet", Refusal("2[\"x\"]", decoder));
        Assert.False(decoder.IsReassembling);
        Assert.Equal(SocketIODecodeStatus.Error, decoder.Decode(s_buffer, true, out _, out _));
    }

    [Fact]
    public void Attachments_over_the_byte_limit_are_refused()
    {
        var decoder = new SocketIOJsonDecoder(new SocketIOParserLimits { MaxAttachmentBytes = 10 });
        decoder.Decode(Encoding.UTF8.GetBytes("52-[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]"), false, out _, out _);
        Assert.Equal(SocketIODecodeStatus.NeedMore, decoder.Decode(new byte[6], true, out _, out _));

        Assert.Equal(SocketIODecodeStatus.Error, decoder.Decode(new byte[6], true, out _, out var error));
        Assert.Equal("attachments larger than 10 bytes", error);
        Assert.False(decoder.IsReassembling);
    }

    [Fact]
    public void Binary_header_with_a_reserved_or_missing_event_name_is_refused_before_waiting()
    {
        Assert.Equal("invalid payload", Refusal("51-[\"disconnect\",{\"_placeholder\":true,\"num\":0}]"));
        Assert.Equal("invalid payload", Refusal("51-[{\"_placeholder\":true,\"num\":0}]"));
    }

    [Fact]
    public void Type_and_dollar_type_properties_are_plain_data()
    {
        // C25: no type-name handling exists to be triggered; the bytes pass through untouched.
        var packet = DecodeOne("2[\"e\",{\"__proto__\":{\"x\":1},\"$type\":\"System.IO.FileInfo\"}]");
        Assert.Equal("[\"e\",{\"__proto__\":{\"x\":1},\"$type\":\"System.IO.FileInfo\"}]", Json(packet));
    }
}
