using System.Text;
using System.Text.Json;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>
/// The MessagePack parser against the real socket.io-msgpack-parser 3.0.2 (notepack.io) in Node: our encoding byte for
/// byte, and our decoding against what the reference decodes, put through socket.io-parser's own
/// <c>deconstructPacket</c> and <c>JSON.stringify</c> (the shared representation, built by the JavaScript reference).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOMessagePackInteropTests
{
    internal static SocketIOPacket Packet(SocketIOPacketType type, string? json, string ns = "/", long? id = null, params byte[][] attachments) => new()
    {
        Type = type,
        Namespace = ns,
        AckId = id,
        Data = json is null ? ReadOnlyMemory<byte>.Empty : Encoding.UTF8.GetBytes(json),
        Attachments = attachments.Select(a => (ReadOnlyMemory<byte>)a).ToArray(),
    };

    internal static byte[] Encode(SocketIOPacket packet)
    {
        var output = new List<EngineIOOutgoingPacket>();
        SocketIOMessagePackParser.Instance.Encode(packet, output);
        var message = Assert.Single(output);
        Assert.True(message.IsBinary);
        return message.Encoded.ToArray();
    }

    internal static string Placeholder(int num) => $"{{\"_placeholder\":true,\"num\":{num}}}";

    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();

    internal static List<SocketIOPacket> EncodingCorpus()
    {
        var numbers = "[\"n\",0,1,127,128,255,256,65535,65536,4294967295,4294967296,9007199254740991,-1,-32,-33,-128,-129,"
            + "-32768,-32769,-2147483648,-2147483649,-9007199254740991,1.5,-0.25,1e-7,0.1,123456.789,-0,2.0,1E2,"
            + "-9223372036854775808,9223372036854775808,18446744073709549568,5e-324,1e400,-1e400]";
        var strings = new[] { "", new string('a', 31), new string('b', 32), new string('c', 255), new string('d', 256), new string('e', 65535), new string('f', 65536) };
        var stringJson = "[\"s\"," + string.Join(",", strings.Select(s => "\"" + s + "\"")) + ",\"é日本😀\",\"\\u001e\\\"\\\\/\",\"\\ud83d\\ude00\",\"\\u00e9\\n\",\"\u2028<>&\"]";
        var fifteen = "[" + string.Join(",", Enumerable.Range(0, 15)) + "]";
        var sixteen = "[" + string.Join(",", Enumerable.Range(0, 16)) + "]";
        var big = "[" + string.Join(",", Enumerable.Range(0, 70_000).Select(i => i % 3)) + "]";
        var map15 = "{" + string.Join(",", Enumerable.Range(0, 15).Select(i => $"\"k{i}\":{i}")) + "}";
        var map16 = "{" + string.Join(",", Enumerable.Range(0, 16).Select(i => $"\"k{i}\":{i}")) + "}";

        return
        [
            Packet(SocketIOPacketType.Connect, "{\"sid\":\"wZX3oN0bSVIhsaknAAAI\"}"),
            Packet(SocketIOPacketType.Connect, null),
            Packet(SocketIOPacketType.Connect, "{\"sid\":\"x\",\"pid\":\"y\"}", "/admin"),
            Packet(SocketIOPacketType.Disconnect, null, "/admin"),
            Packet(SocketIOPacketType.ConnectError, "{\"message\":\"Invalid namespace\"}", "/random"),
            Packet(SocketIOPacketType.ConnectError, "{\"message\":\"not authorized\",\"data\":{\"content\":\"Please retry later\"}}", "/secure"),
            Packet(SocketIOPacketType.ConnectError, "\"v2 message\""),
            Packet(SocketIOPacketType.Event, "[\"hello\",\"you\"]"),
            Packet(SocketIOPacketType.Event, "[\"hello\",\"you\"]", "/café", 7),
            Packet(SocketIOPacketType.Event, "[\"big id\"]", "/", 4_294_967_301),
            Packet(SocketIOPacketType.Event, "[42,\"numeric name\"]"),
            Packet(SocketIOPacketType.Ack, "[]", "/", 0),
            Packet(SocketIOPacketType.Ack, "[{\"got\":\"world\"}]", "/", 300),
            Packet(SocketIOPacketType.Event, numbers),
            Packet(SocketIOPacketType.Event, stringJson),
            Packet(SocketIOPacketType.Event, "[\"nested\",{\"a\":{\"b\":[1,{\"c\":null}]},\"d\":true,\"e\":false,\"f\":[],\"g\":{}}]"),
            Packet(SocketIOPacketType.Event, $"[\"sizes\",{fifteen},{sixteen},{map15},{map16}]"),
            Packet(SocketIOPacketType.Event, $"[\"array32\",{big}]"),
            Packet(SocketIOPacketType.Event, "[\"keys\",{\"\":1,\"é\":2,\"a\\\"b\":3,\"" + new string('k', 40) + "\":4}]"),
            Packet(
                SocketIOPacketType.BinaryEvent,
                $"[\"bin\",{{\"x\":[[{Placeholder(0)}]]}},{Placeholder(1)},{Placeholder(2)},[{Placeholder(3)}],{{\"y\":{Placeholder(4)}}}]",
                "/files",
                5,
                Bytes(0), Bytes(1), Bytes(255), Bytes(256), Bytes(65_536)),
            Packet(SocketIOPacketType.BinaryAck, $"[1,{Placeholder(0)}]", "/", 7, [9, 8]),
            Packet(SocketIOPacketType.BinaryEvent, $"[\"reused\",{Placeholder(0)},{Placeholder(0)}]", "/", null, [1, 2, 3]),
            Packet(SocketIOPacketType.Event, $"[\"looks like a placeholder\",{Placeholder(0)}]"),
        ];
    }

    [Fact]
    public void Encoding_matches_socket_io_msgpack_parser_byte_for_byte()
    {
        var corpus = EncodingCorpus();
        var input = corpus.Select(p => new
        {
            type = (int)SocketIOJsonParser.WireType(p.Type, p.Attachments.Count) switch { 5 => 2, 6 => 3, var t => t },
            json = p.Data.IsEmpty ? null : Encoding.UTF8.GetString(p.Data.Span),
            attachments = p.Attachments.Select(a => Convert.ToHexString(a.Span)).ToArray(),
            nsp = p.Namespace,
            id = p.AckId,
        }).ToArray();

        // The object is built in our key order (type, data, nsp, id); placeholders are put back by socket.io-parser's
        // own reconstructPacket, the way a JavaScript sender's data would hold its Buffers.
        var expected = NodeScript.RunInline("""
            const { Encoder } = require("socket.io-msgpack-parser");
            const { reconstructPacket } = require("./node_modules/socket.io-parser/build/cjs/binary.js");
            out(input.map(p => {
              let data = p.json === null ? undefined : JSON.parse(p.json);
              if (p.attachments.length > 0) {
                data = reconstructPacket({ data, attachments: p.attachments.length }, p.attachments.map(h => Buffer.from(h, "hex"))).data;
              }
              const packet = { type: p.type };
              if (data !== undefined) packet.data = data;
              packet.nsp = p.nsp;
              if (p.id !== null) packet.id = p.id;
              return new Encoder().encode(packet)[0].toString("hex");
            }));
            """, input);

        var i = 0;
        foreach (var hex in expected.EnumerateArray())
        {
            var ours = Convert.ToHexString(Encode(corpus[i])).ToLowerInvariant();
            var theirs = hex.GetString()!;
            Assert.True(theirs == ours, $"#{i} {Truncate(input[i].json)}\nnode {Truncate(theirs)}\nours {Truncate(ours)}");
            i++;
        }

        Assert.Equal(corpus.Count, i);
    }

    [Fact]
    public void Decoding_matches_what_the_reference_decodes_in_the_shared_representation()
    {
        // JavaScript packets, encoded by the reference; the expected JSON is the reference's decoding put through
        // deconstructPacket (events and acks) or JSON.stringify alone (other packets never carry attachments).
        // Hand-written hex covers encodings notepack never produces but decodes (float32, str8 for short strings,
        // non-minimal ints and headers).
        var expected = NodeScript.RunInline("""
            const { Encoder, Decoder } = require("socket.io-msgpack-parser");
            const { deconstructPacket } = require("./node_modules/socket.io-parser/build/cjs/binary.js");
            const packets = [
              { type: 2, nsp: "/", data: ["hello", "you"] },
              { type: 0, data: { sid: "vpgDxxxxxxxxxxxxxxxx", pid: undefined }, nsp: "/" },
              { id: 7, type: 3, data: [1, Buffer.from([9, 8])], nsp: "/" },
              { type: 2, nsp: "/", data: ["bin", new Uint8Array([1, 2, 3]), new ArrayBuffer(4), Buffer.alloc(300, 1), { deep: [[Buffer.from("x")]] }, Buffer.alloc(70000, 2)] },
              { type: 2, nsp: "/", data: ["dates", new Date(1704164645678), new Date(-1), new Date(8.64e15), new Date(-8.64e15), new Date(-62198755200000), new Date(253402300800000)] },
              { type: 2, nsp: "/", data: ["undefined", [undefined, null, 1], { u: undefined, n: null, k: 1 }, undefined] },
              { type: 2, nsp: "/x", data: ["numbers", 0, -0, 1.5, -1e-7, 2 ** 53, 2 ** 32, -(2 ** 31) - 1, 0.1, NaN, Infinity, -Infinity, 127, 128, -33, 1e-300, 5e-324] },
              { type: 2, nsp: "/", data: ["strings", "é日本😀", "\u2028<>&'", "\u0000\u001f\"\\\u007f", "x".repeat(40), "y".repeat(300), "z".repeat(70000), ""] },
              { type: 2, nsp: "/", data: [42, "numeric name"] },
              { type: 2, nsp: "/", data: [1.5] },
              { type: 0, nsp: "/", data: { token: Buffer.from([1, 2]), ab: new Uint8Array([5]) } },
              { type: 4, nsp: "/secure", data: { message: "not authorized", data: { content: "Please retry later" } } },
              { type: 4, nsp: "/", data: "v2 string" },
              { type: 1, nsp: "/admin" },
              { type: 3, nsp: "/", id: 2 ** 40, data: [] },
              { type: 2, nsp: "/", data: ["map", { a: { b: [1, { c: null }] }, "": true, "é": false }] },
            ];
            const raw = [
              "83a474797065ca40000000a36e7370a12fa46461746192a16fca3dcccccd",
              "83a474797065d002a36e7370d9012fa46461746193d903616263cc05d00f",
              "83a474797065cd0002a36e7370a12fa464617461dc0002a178d10005",
              "83a474797065ce00000002a36e7370a12fa464617461dd00000002a178de0001a16bd3ffffffffffffffff",
              "83a474797065cf0000000000000002a36e7370a12fa46461746192a178cf0000000000000005",
              "83a474797065cb4000000000000000a36e7370a12fa46461746191a178",
            ];
            const decode = (buf) => { let got; const d = new Decoder(); d.on("decoded", (p) => (got = p)); d.add(buf); return got; };
            const rows = [...packets.map((p) => new Encoder().encode(p)[0]), ...raw.map((h) => Buffer.from(h, "hex"))];
            out(rows.map((buf) => {
              const p = decode(buf);
              let json = null, attachments = [];
              if (p.data !== undefined) {
                if (p.type === 2 || p.type === 3) {
                  const { packet, buffers } = deconstructPacket(p);
                  json = JSON.stringify(packet.data);
                  attachments = buffers.map((b) => Buffer.from(b).toString("hex"));
                } else {
                  json = JSON.stringify(p.data);
                }
              }
              return { hex: buf.toString("hex"), type: p.type, nsp: p.nsp, id: p.id === undefined ? null : p.id, json, attachments };
            }));
            """, null);

        var decoder = SocketIOMessagePackParser.Instance.CreateDecoder(new SocketIOParserLimits { MaxAttachments = 10, MaxDepth = 64 });
        var rows = 0;
        foreach (var row in expected.EnumerateArray())
        {
            var hex = row.GetProperty("hex").GetString()!;
            var status = decoder.Decode(Convert.FromHexString(hex), isBinary: true, out var packet, out var error);
            Assert.True(status == SocketIODecodeStatus.Packet, $"{Truncate(hex)}: {error}");
            var attachments = row.GetProperty("attachments").EnumerateArray().Select(a => a.GetString()!).ToArray();
            var type = row.GetProperty("type").GetInt32();
            var expectedType = attachments.Length > 0 ? type + 3 : type; // events and acks with binary are 5 and 6 above the parser
            var json = row.GetProperty("json").ValueKind == JsonValueKind.Null ? "" : row.GetProperty("json").GetString()!;

            Assert.Equal((SocketIOPacketType)expectedType, packet!.Type);
            Assert.Equal(row.GetProperty("nsp").GetString(), packet.Namespace);
            Assert.Equal(row.GetProperty("id").ValueKind == JsonValueKind.Null ? null : row.GetProperty("id").GetInt64(), packet.AckId);
            var ours = Encoding.UTF8.GetString(packet.Data.Span);
            Assert.True(json == ours, $"{Truncate(hex)}\nnode {Truncate(json)}\nours {Truncate(ours)}");
            Assert.Equal(attachments, packet.Attachments.Select(a => Convert.ToHexString(a.Span).ToLowerInvariant()));
            rows++;
        }

        Assert.Equal(22, rows);
    }

    [Fact]
    public void Integral_numbers_from_2_pow_64_go_out_as_float64_where_notepack_corrupts_them()
    {
        // notepack writes any integral number as an int, and beyond 2^64 its high word overflows: 1e21 arrives as
        // 3875820019684212736. We write float64, so the value arrives intact.
        var node = NodeScript.RunInline("""
            const { Encoder, Decoder } = require("socket.io-msgpack-parser");
            const decode = (buf) => { let got; const d = new Decoder(); d.on("decoded", (p) => (got = p)); d.add(buf); return got; };
            out(input.map(h => {
              const ours = decode(Buffer.from(h, "hex")).data;
              const theirs = decode(new Encoder().encode({ type: 2, nsp: "/", data: ["big", 1e21, -1e21, 1e300] })[0]).data;
              return { ours, theirs };
            }));
            """, new[] { Convert.ToHexString(Encode(Packet(SocketIOPacketType.Event, "[\"big\",1e21,-1e21,1e300]"))) });

        var result = node[0];
        Assert.Equal("[\"big\",1e+21,-1e+21,1e+300]", result.GetProperty("ours").GetRawText());
        Assert.NotEqual("[\"big\",1e+21,-1e+21,1e+300]", result.GetProperty("theirs").GetRawText());
    }

    private static string Truncate(string? text) => text is null ? "null" : text.Length <= 300 ? text : text[..300] + $"… ({text.Length})";
}
