using System.Buffers;
using System.Text;
using System.Text.Json;
using MessagePack;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>
/// The MessagePack decoder on its own: the observed bytes of SPEC-NOTES B6, the reference's validation plus ours, and
/// every hostile input of BAD-INPUTS D and the G corpus, each refused with a reason, no exception and no large
/// allocation.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOMessagePackDecoderTests
{
    private static ISocketIODecoder NewDecoder(SocketIOParserLimits? limits = null) =>
        SocketIOMessagePackParser.Instance.CreateDecoder(limits ?? new SocketIOParserLimits());

    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static string Json(SocketIOPacket packet) => Encoding.UTF8.GetString(packet.Data.Span);

    private static SocketIOPacket DecodeOne(byte[] message)
    {
        var status = NewDecoder().Decode(message, isBinary: true, out var packet, out var error);
        Assert.True(status == SocketIODecodeStatus.Packet, $"{Convert.ToHexString(message)}: {error}");
        return packet!;
    }

    /// <summary>Decodes twice (the first warms up the JIT) and checks the refusal allocated next to nothing.</summary>
    private static string Refusal(byte[] message, SocketIOParserLimits? limits = null)
    {
        var decoder = NewDecoder(limits);
        decoder.Decode(message, isBinary: true, out _, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = decoder.Decode(message, isBinary: true, out var packet, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(SocketIODecodeStatus.Error, status);
        Assert.Null(packet);
        Assert.False(string.IsNullOrEmpty(error));
        Assert.True(allocated < 4096, $"{error}: allocated {allocated} bytes");
        return error!;
    }

    /// <summary>A packet map <c>{type, nsp, data}</c> around raw data bytes.</summary>
    private static byte[] Envelope(int type, byte[]? data, string ns = "/", long? id = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(2 + (data is null ? 0 : 1) + (id is null ? 0 : 1));
        writer.Write("type");
        writer.Write(type);
        writer.Write("nsp");
        writer.Write(ns);
        if (data is not null)
        {
            writer.Write("data");
            writer.WriteRaw(data);
        }

        if (id is { } value)
        {
            writer.Write("id");
            writer.Write(value);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Event(string dataHex) => Envelope(2, Hex(dataHex));

    // ---- SPEC-NOTES B6, observed bytes ----

    [Fact]
    public void Observed_client_emit_decodes()
    {
        var packet = DecodeOne(Hex("83 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 92 a5 68656c6c6f a3 796f75"));

        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal("/", packet.Namespace);
        Assert.Null(packet.AckId);
        Assert.Equal("[\"hello\",\"you\"]", Json(packet));
        Assert.Equal("hello", packet.EventName);
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Observed_connect_reply_with_undefined_pid_decodes_without_the_pid()
    {
        var sid = Convert.ToHexString(Encoding.ASCII.GetBytes("nNkfi0MKu9aghQZ8AAD3"));
        var packet = DecodeOne(Hex($"83 a4 74797065 00 a4 64617461 82 a3 736964 b4 {sid} a3 706964 d4 00 00 a3 6e7370 a1 2f"));

        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal("{\"sid\":\"nNkfi0MKu9aghQZ8AAD3\"}", Json(packet));
    }

    [Fact]
    public void Observed_ack_with_binary_becomes_a_binary_ack_with_a_placeholder()
    {
        var packet = DecodeOne(Hex("84 a2 6964 07 a4 74797065 03 a4 64617461 92 01 c4 02 0908 a3 6e7370 a1 2f"));

        Assert.Equal(SocketIOPacketType.BinaryAck, packet.Type);
        Assert.Equal(7, packet.AckId);
        Assert.Equal("[1,{\"_placeholder\":true,\"num\":0}]", Json(packet));
        Assert.Equal([0x09, 0x08], Assert.Single(packet.Attachments).ToArray());
    }

    [Fact]
    public void Observed_polling_connect_decodes()
    {
        var packet = DecodeOne(Convert.FromBase64String("gqR0eXBlAKNuc3ChLw=="));

        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.True(packet.Data.IsEmpty);
    }

    [Fact]
    public void Our_connect_reply_is_the_observed_bytes_without_the_undefined_pid()
    {
        var output = new List<EngineIOOutgoingPacket>();
        SocketIOMessagePackParser.Instance.Encode(
            new SocketIOPacket { Type = SocketIOPacketType.Connect, Data = "{\"sid\":\"nNkfi0MKu9aghQZ8AAD3\"}"u8.ToArray() },
            output);

        var sid = Convert.ToHexString(Encoding.ASCII.GetBytes("nNkfi0MKu9aghQZ8AAD3"));
        Assert.Equal(Hex($"83 a4 74797065 00 a4 64617461 81 a3 736964 b4 {sid} a3 6e7370 a1 2f"), output[0].Encoded.ToArray());
    }

    // ---- transcoding ----

    [Theory]
    [InlineData("92 a1 65 d4 00 00", "[\"e\",null]")] // undefined in an array: null
    [InlineData("92 a1 65 83 a1 61 d4 00 00 a1 62 01 a1 63 d4 00 00", "[\"e\",{\"b\":1}]")] // in a map: left out
    [InlineData("92 a1 65 d7 00 0000018c c820db2e", "[\"e\",\"2024-01-02T03:04:05.678Z\"]")] // notepack Date
    [InlineData("92 a1 65 ca 3dcccccd", "[\"e\",0.10000000149011612]")] // float32, as JavaScript widens it
    [InlineData("92 a1 65 cf ffffffffffffffff", "[\"e\",18446744073709551615]")]
    [InlineData("92 a1 65 cb 7ff8000000000000", "[\"e\",null]")] // NaN
    [InlineData("92 a1 65 d9 03 3c 22 1e", "[\"e\",\"<\\\"\\u001e\"]")]
    [InlineData("92 a1 65 a2 c3 28", "[\"e\",\"\uFFFD(\"]")] // invalid UTF-8: U+FFFD, as Node's toString
    public void Values_transcode_to_what_json_stringify_writes(string dataHex, string json)
    {
        Assert.Equal(json, Json(DecodeOne(Event(dataHex))));
    }

    [Fact]
    public void Node_typed_arrays_arrive_as_ext_type_0_and_become_attachments()
    {
        var packet = DecodeOne(Event("93 a1 65 c7 03 00 010203 c4 01 04"));

        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", Json(packet));
        Assert.Equal([[1, 2, 3], [4]], packet.Attachments.Select(a => a.ToArray()));
    }

    [Fact]
    public void Binary_outside_events_and_acks_is_written_as_json_stringify_writes_it()
    {
        var packet = DecodeOne(Envelope(0, Hex("82 a1 62 c4 02 0102 a1 61 c7 01 00 05")));

        Assert.Equal(SocketIOPacketType.Connect, packet.Type);
        Assert.Equal("{\"b\":{\"type\":\"Buffer\",\"data\":[1,2]},\"a\":{}}", Json(packet));
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Binary_in_a_connect_is_stringified_also_when_data_comes_before_type()
    {
        var packet = DecodeOne(Hex("83 a4 64617461 81 a1 62 c4 02 0102 a4 74797065 00 a3 6e7370 a1 2f"));

        Assert.Equal("{\"b\":{\"type\":\"Buffer\",\"data\":[1,2]}}", Json(packet));
        Assert.Empty(packet.Attachments);
    }

    [Fact]
    public void Binary_in_a_connect_is_not_bound_by_the_attachment_limit()
    {
        var entries = string.Concat(Enumerable.Range(0, 12).Select(i => $"a1 {0x61 + i:x2} c4 01 {i:x2}"));
        var packet = DecodeOne(Envelope(0, Hex("8c" + entries)));

        Assert.StartsWith("{\"a\":{\"type\":\"Buffer\",\"data\":[0]},", Json(packet));
    }

    [Fact]
    public void Numeric_event_names_dispatch_by_their_json_text()
    {
        Assert.Equal("42", DecodeOne(Event("92 2a a1 78")).EventName);
        Assert.Equal("1.5", DecodeOne(Event("91 cb 3ff8000000000000")).EventName);
        Assert.Equal("error", DecodeOne(Event("91 a5 6572726f72")).EventName); // C10: an ordinary event
    }

    [Fact]
    public void Integral_floats_are_integers_as_for_the_reference()
    {
        var packet = DecodeOne(Hex("84 a4 74797065 cb 4000000000000000 a2 6964 ca 40400000 a3 6e7370 a1 2f a4 64617461 91 a1 78"));

        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal(3, packet.AckId);
    }

    [Fact]
    public void Undefined_id_and_data_count_as_absent()
    {
        var packet = DecodeOne(Hex("84 a4 74797065 00 a2 6964 d4 00 00 a4 64617461 d4 00 00 a3 6e7370 a1 2f"));

        Assert.Null(packet.AckId);
        Assert.True(packet.Data.IsEmpty);
    }

    [Fact]
    public void The_packet_owns_its_data_and_attachments()
    {
        var message = Event("92 a1 65 c4 02 0908");
        var packet = DecodeOne(message);
        Array.Clear(message);

        Assert.Equal("[\"e\",{\"_placeholder\":true,\"num\":0}]", Json(packet));
        Assert.Equal([9, 8], packet.Attachments[0].ToArray());
    }

    [Fact]
    public void Depth_and_element_limits_are_inclusive()
    {
        var limits = new SocketIOParserLimits { MaxDepth = 4, MaxContainerElements = 3 };
        var decoder = NewDecoder(limits);
        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(Event("92 a1 65 91 91 c0"), true, out _, out _)); // depth 3
        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(Event("92 a1 65 91 91 91 c0"), true, out _, out _)); // depth 4
        Assert.Contains("deeper", Refusal(Event("92 a1 65 91 91 91 91 c0"), limits));
        Assert.Contains("elements", Refusal(Event("94 a1 65 01 02 03"), limits));
        Assert.Contains("elements", Refusal(Event("92 a1 65 84 a1 61 01 a1 62 02 a1 63 03 a1 64 04"), limits));
    }

    [Fact]
    public void Attachment_limits_apply_to_msgpack_binaries_too()
    {
        var limits = new SocketIOParserLimits { MaxAttachments = 2, MaxAttachmentBytes = 4 };
        Assert.Equal(SocketIODecodeStatus.Packet, NewDecoder(limits).Decode(Event("93 a1 65 c4 02 0102 c4 02 0304"), true, out _, out _));
        Assert.Contains("more than 2", Refusal(Event("94 a1 65 c4 00 c4 00 c4 00"), limits));
        Assert.Contains("larger than 4", Refusal(Event("93 a1 65 c4 02 0102 c4 03 030405"), limits));
    }

    // ---- the reference's validation, and ours ----

    [Theory]
    [InlineData("82 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")] // no type
    [InlineData("83 a4 74797065 05 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")] // 5/6 never on the wire
    [InlineData("83 a4 74797065 06 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")]
    [InlineData("83 a4 74797065 07 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")]
    [InlineData("83 a4 74797065 ff a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")]
    [InlineData("83 a4 74797065 a1 32 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")] // "2"
    [InlineData("83 a4 74797065 cb 4004000000000000 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")] // 2.5
    [InlineData("83 a4 74797065 c0 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")]
    [InlineData("83 a4 74797065 91 02 a3 6e7370 a1 2f a4 64617461 91 a1 78", "invalid packet type")]
    [InlineData("82 a4 74797065 02 a4 64617461 91 a1 78", "invalid namespace")] // no nsp
    [InlineData("83 a4 74797065 02 a3 6e7370 01 a4 64617461 91 a1 78", "invalid namespace")]
    [InlineData("83 a4 74797065 02 a3 6e7370 c4 01 2f a4 64617461 91 a1 78", "invalid namespace")] // bin, not str
    [InlineData("83 a4 74797065 00 a3 6e7370 a1 2f a4 64617461 90", "invalid payload")] // CONNECT data must be a map
    [InlineData("83 a4 74797065 00 a3 6e7370 a1 2f a4 64617461 c0", "invalid payload")]
    [InlineData("83 a4 74797065 01 a3 6e7370 a1 2f a4 64617461 80", "invalid payload")] // DISCONNECT has no data
    [InlineData("82 a4 74797065 04 a3 6e7370 a1 2f", "invalid payload")] // CONNECT_ERROR needs data
    [InlineData("83 a4 74797065 04 a3 6e7370 a1 2f a4 64617461 01", "invalid payload")]
    [InlineData("82 a4 74797065 02 a3 6e7370 a1 2f", "invalid payload")] // EVENT needs data
    [InlineData("83 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 80", "invalid payload")]
    [InlineData("83 a4 74797065 03 a3 6e7370 a1 2f a4 64617461 80", "invalid payload")] // ACK data is an array
    [InlineData("83 a4 74797065 03 a3 6e7370 a1 2f a4 64617461 d4 00 00", "invalid payload")]
    [InlineData("84 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a2 6964 ff", "invalid packet id")] // -1
    [InlineData("84 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a2 6964 cf 0020000000000000", "invalid packet id")] // 2^53
    [InlineData("84 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a2 6964 a1 31", "invalid packet id")] // "1"
    [InlineData("84 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a2 6964 cb 3ff8000000000000", "invalid packet id")] // 1.5
    [InlineData("84 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a2 6964 c0", "invalid packet id")]
    public void The_reference_validation_applies(string hex, string error)
    {
        Assert.Equal(error, Refusal(Hex(hex)));
    }

    [Fact]
    public void A_namespace_longer_than_the_limit_is_refused()
    {
        Assert.Equal("namespace too long", Refusal(Envelope(2, Hex("91 a1 78"), "/" + new string('n', 300))));
    }

    [Fact]
    public void A_text_message_is_refused()
    {
        var status = NewDecoder().Decode("2[\"x\"]"u8.ToArray(), isBinary: false, out var packet, out var error);

        Assert.Equal(SocketIODecodeStatus.Error, status);
        Assert.Null(packet);
        Assert.Contains("binary", error);
    }

    // ---- BAD-INPUTS D ----

    [Theory]
    [InlineData("91 81 a8 746f537472696e67 01")] // [{toString:1}] (CVE-2023-32695 shape)
    [InlineData("92 c3 a1 78")] // [true,"x"]
    [InlineData("92 c0 a1 78")] // [null,"x"]
    [InlineData("91 91 a1 78")] // [["x"]]
    [InlineData("91 c4 01 78")] // a binary name
    [InlineData("91 d7 00 0000018cc820db2e")] // a Date name
    [InlineData("91 d4 00 00")] // undefined
    [InlineData("91 cb 7ff8000000000000")] // NaN
    [InlineData("90")] // []
    [InlineData("91 a7 636f6e6e656374")] // "connect"
    [InlineData("91 ad 636f6e6e6563745f6572726f72")] // "connect_error"
    [InlineData("92 aa 646973636f6e6e656374 a1 78")] // "disconnect"
    [InlineData("91 ad 646973636f6e6e656374696e67")] // "disconnecting"
    [InlineData("91 ab 6e65774c697374656e6572")] // "newListener"
    [InlineData("91 ae 72656d6f76654c697374656e6572")] // "removeListener"
    public void D1_event_names_are_checked_as_for_the_json_parser(string dataHex)
    {
        Assert.Equal("invalid payload", Refusal(Event(dataHex)));
    }

    public static TheoryData<string, byte[]> HostileMessages()
    {
        var data = new TheoryData<string, byte[]>
        {
            // G corpus, as whole messages.
            { "G str32 2^32-1", Hex("db ff ff ff ff 61 62 63") },
            { "G array32 2^32-1", Hex("dd ff ff ff ff") },
            { "G map32 2^32-1", Hex("df ff ff ff ff") },
            { "G bin32 2^31", Hex("c6 80 00 00 00 00") },
            { "G ext8 type 5", Hex("c7 01 05 00") },
            { "G fixext1 type -1", Hex("d4 ff 00") },
            { "G ext32 2^32-1", Hex("c9 ff ff ff ff 01") },
            { "G 0xc1", Hex("c1") },
            { "G 90 90", Hex("90 90") },
            { "G 91x200000 c0", [.. Enumerable.Repeat((byte)0x91, 200_000), 0xc0] },

            // D2: declared lengths beyond the message, inside a valid envelope.
            { "D2 str32 in data", Event("92 a1 65 db ff ff ff ff 61 62 63") },
            { "D2 bin32 in data", Event("92 a1 65 c6 80 00 00 00 00") },
            { "D2 ext32 in data", Event("92 a1 65 c9 ff ff ff ff 00 01") },
            { "D2 str16 one short", Event("92 a1 65 da 00 04 61 62 63") },
            { "D2 map key str32", Event("92 a1 65 81 db ff ff ff ff 61") },
            { "D2 nsp str32", Hex("82 a4 74797065 02 a3 6e7370 db 7f ff ff ff 2f") },
            { "D2 truncated int", Event("92 a1 65 cd 01") },
            { "D2 truncated float", Event("92 a1 65 cb 00 00") },
            { "D2 empty message", [] },

            // D3: huge container headers with no body, and just over the element cap.
            { "D3 array32 in data", Event("92 a1 65 dd ff ff ff ff") },
            { "D3 map32 in data", Event("92 a1 65 df ff ff ff ff") },
            { "D3 array32 as data", Envelope(2, Hex("dd 7f ff ff ff")) },
            { "D3 array16 says 3, holds 1", Event("92 a1 65 dc 00 03 01") },
            { "D3 10001 elements", Event("92 a1 65 dc 27 11" + string.Concat(Enumerable.Repeat("c0", 10_001))) },

            // D4: every extension but notepack's undefined, Date and ArrayBuffer.
            { "D4 ext8 type 5", Event("92 a1 65 c7 01 05 00") },
            { "D4 timestamp32", Event("92 a1 65 d6 ff 00000000") },
            { "D4 timestamp64", Event("92 a1 65 d7 ff 0000000000000000") },
            { "D4 timestamp96", Event("92 a1 65 c7 0c ff 000000000000000000000000") },
            { "D4 timestamp -1 bad length", Event("92 a1 65 d5 ff 0000") },
            { "D4 fixext1 type 0 data 1", Event("92 a1 65 d4 00 01") },
            { "D4 fixext2 type 0", Event("92 a1 65 d5 00 0000") },
            { "D4 fixext16 type 0", Event("92 a1 65 d8 00 00000000000000000000000000000000") },
            { "D4 fixext1 type -1", Event("92 a1 65 d4 ff 00") },

            // D5: the reserved byte anywhere, and bytes after the packet.
            { "D5 0xc1 in data", Event("92 a1 65 c1") },
            { "D5 0xc1 as key", Event("92 a1 65 81 c1 01") },
            { "D5 trailing byte", [.. Event("91 a1 65"), 0x00] },
            { "D5 trailing packet", [.. Event("91 a1 65"), .. Event("91 a1 65")] },

            // D6: deep nesting inside a valid envelope.
            { "D6 91x200000 in data", Envelope(2, [.. Enumerable.Repeat((byte)0x91, 200_000), 0xc0]) },
            { "D6 81 a0 x100000 in data", Envelope(2, [0x92, 0xa1, 0x65, .. Enumerable.Range(0, 100_000).SelectMany(_ => new byte[] { 0x81, 0xa0 }), 0xc0]) },

            // D7: too many map entries, in data and in the envelope.
            { "D7 map16 of 10001", Event("92 a1 65 de 27 11" + string.Concat(Enumerable.Range(0, 10_001).Select(i => "a0 c0"))) },
            { "D7 five envelope keys", Hex("85 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a2 6964 01 a1 78 01") },

            // D8: envelope keys.
            { "D8 integer key", Hex("83 01 02 a3 6e7370 a1 2f a4 64617461 91 a1 78") },
            { "D8 nil key", Hex("83 c0 02 a3 6e7370 a1 2f a4 64617461 91 a1 78") },
            { "D8 unknown key", Hex("83 a4 74797065 02 a3 6e7370 a1 2f a4 64617462 91 a1 78") },
            { "D8 duplicate type", Hex("84 a4 74797065 02 a4 74797065 03 a3 6e7370 a1 2f a4 64617461 91 a1 78") },
            { "D8 duplicate data", Hex("84 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 91 a1 78 a4 64617461 91 a1 78") },
            { "D8 key with a NUL", Hex("83 a5 7479706500 02 a3 6e7370 a1 2f a4 64617461 91 a1 78") },
            { "D8 envelope is an array", Hex("93 02 a1 2f 91 a1 78") },

            // JSON cannot hold non-string keys.
            { "integer map key in data", Event("92 a1 65 81 01 02") },
            { "binary map key in data", Event("92 a1 65 81 c4 01 61 02") },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileMessages))]
    public void Hostile_messages_are_refused_without_exception_or_allocation(string name, byte[] message)
    {
        var error = Refusal(message);

        Assert.False(string.IsNullOrWhiteSpace(error), name);
    }

    [Fact]
    public void Refusal_reasons_say_what_was_wrong()
    {
        Assert.Contains("exceeds", Refusal(Hex("db ff ff ff ff 61 62 63")));
        Assert.Contains("more elements than the message holds", Refusal(Event("92 a1 65 dc 27 10")));
        Assert.Contains("elements (the limit is 10000)", Refusal(Event("92 a1 65 dd ff ff ff ff")));
        Assert.Contains("extension type 5", Refusal(Event("92 a1 65 c7 01 05 00")));
        Assert.Contains("0xc1", Refusal(Hex("c1")));
        Assert.Contains("trailing", Refusal([.. Event("91 a1 65"), 0x00]));
        Assert.Contains("deeper than 64", Refusal(Envelope(2, [.. Enumerable.Repeat((byte)0x91, 200_000), 0xc0])));
        Assert.Contains("map keys must be strings", Refusal(Event("92 a1 65 81 01 02")));
        Assert.Contains("duplicate", Refusal(Hex("84 a4 74797065 02 a4 74797065 03 a3 6e7370 a1 2f a4 64617461 91 a1 78")));
        Assert.Contains("must be a map", Refusal(Hex("90 90")));
    }

    // ---- property: random damage never throws, and whatever decodes is a fixed point of encode→decode ----

    [Fact]
    public void Mutated_packets_never_throw_and_decoded_packets_survive_a_round_trip()
    {
        byte[][] seeds =
        [
            Hex("83 a4 74797065 02 a3 6e7370 a1 2f a4 64617461 92 a5 68656c6c6f a3 796f75"),
            Hex("84 a2 6964 07 a4 74797065 03 a4 64617461 92 01 c4 02 0908 a3 6e7370 a1 2f"),
            Hex("83 a4 74797065 00 a4 64617461 82 a3 736964 a2 6162 a3 706964 d4 00 00 a3 6e7370 a1 2f"),
            Event("97 a1 65 c7 03 00 010203 d7 00 0000018cc820db2e 92 d4 00 00 ca 3dcccccd 82 a1 61 90 a1 62 81 a1 63 c3 cf ffffffffffffffff cb 3ff8000000000000"),
            Envelope(0, Hex("82 a1 62 c4 02 0102 a1 61 c7 01 00 05"), "/admin"),
            Envelope(4, Hex("a4 6e6f7065"), "/x"),
        ];
        var limits = new SocketIOParserLimits { MaxDepth = 8, MaxContainerElements = 50 };
        var decoder = NewDecoder(limits);
        var random = new Random(20240102);
        byte[] interesting = [0x00, 0x7f, 0x80, 0x90, 0x9f, 0xc0, 0xc1, 0xc4, 0xc7, 0xd4, 0xd7, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xff];
        var decoded = 0;
        for (var iteration = 0; iteration < 60_000; iteration++)
        {
            var message = seeds[random.Next(seeds.Length)].ToList();
            for (var edits = random.Next(1, 4); edits > 0 && message.Count > 0; edits--)
            {
                var at = random.Next(message.Count);
                switch (random.Next(5))
                {
                    case 0: message[at] = (byte)random.Next(256); break;
                    case 1: message[at] = interesting[random.Next(interesting.Length)]; break;
                    case 2: message.RemoveRange(at, message.Count - at); break;
                    case 3: message.Insert(at, interesting[random.Next(interesting.Length)]); break;
                    default: message.RemoveAt(at); break;
                }
            }

            var bytes = message.ToArray();
            SocketIODecodeStatus status;
            SocketIOPacket? packet;
            try
            {
                status = decoder.Decode(bytes, true, out packet, out _);
            }
            catch (Exception e)
            {
                Assert.Fail($"{Convert.ToHexString(bytes)} threw {e}");
                return;
            }

            if (status != SocketIODecodeStatus.Packet)
            {
                continue;
            }

            decoded++;
            AssertFixedPoint(packet!, limits);
        }

        Assert.True(decoded > 1000, $"only {decoded} mutations decoded; the property was barely exercised");
    }

    private static void AssertFixedPoint(SocketIOPacket packet, SocketIOParserLimits limits)
    {
        // The JSON is well-formed and within the depth limit.
        var reader = new Utf8JsonReader(packet.Data.Span, new JsonReaderOptions { MaxDepth = limits.MaxDepth });
        while (reader.Read())
        {
        }

        var output = new List<EngineIOOutgoingPacket>();
        SocketIOMessagePackParser.Instance.Encode(packet, output);
        var status = NewDecoder(limits).Decode(output[0].Encoded, true, out var again, out var error);
        Assert.True(status == SocketIODecodeStatus.Packet, error);
        Assert.Equal(packet.Type, again!.Type);
        Assert.Equal(packet.Namespace, again.Namespace);
        Assert.Equal(packet.AckId, again.AckId);
        Assert.Equal(packet.EventName, again.EventName);
        Assert.Equal(Json(packet), Json(again));
        Assert.Equal(packet.Attachments.Select(a => a.ToArray()), again.Attachments.Select(a => a.ToArray()));

        // And the JSON parser carries the same packet to the same bytes. (MessagePack namespaces need not start with
        // '/', as for the reference; the text format cannot carry those, and a connection never mixes parsers.)
        if (!packet.Namespace.StartsWith('/') || packet.Namespace.Contains(','))
        {
            return;
        }

        output.Clear();
        SocketIOJsonParser.Instance.Encode(packet, output);
        var jsonDecoder = SocketIOJsonParser.Instance.CreateDecoder(new SocketIOParserLimits { MaxDepth = limits.MaxDepth });
        SocketIOPacket? viaJson = null;
        foreach (var message in output)
        {
            var jsonStatus = jsonDecoder.Decode(message.IsBinary ? message.Encoded : message.Encoded[1..], message.IsBinary, out viaJson, out var jsonError);
            Assert.True(jsonStatus != SocketIODecodeStatus.Error, $"{Encoding.UTF8.GetString(output[0].Encoded.Span)}: {jsonError}");
        }

        Assert.Equal(Json(packet), Json(viaJson!));
        Assert.Equal(packet.EventName, viaJson!.EventName);
    }

    [Fact]
    public void Name_is_msgpack_and_reset_is_harmless()
    {
        Assert.Equal("msgpack", SocketIOMessagePackParser.Instance.Name);
        var decoder = NewDecoder();
        decoder.Reset();
        Assert.Equal(SocketIODecodeStatus.Packet, decoder.Decode(Event("91 a1 65"), true, out _, out _));
    }
}
