using System.Text;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>
/// The MessagePack parser on its own (no Node): every packet of the interop corpus survives JSON → MessagePack → JSON,
/// and integers JavaScript would round are carried exactly.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOMessagePackRoundTripTests
{
    [Fact]
    public void Json_to_msgpack_to_json_round_trips_every_corpus_packet()
    {
        var decoder = SocketIOMessagePackParser.Instance.CreateDecoder(new SocketIOParserLimits { MaxContainerElements = 100_000 });
        foreach (var original in SocketIOMessagePackInteropTests.EncodingCorpus())
        {
            var status = decoder.Decode(SocketIOMessagePackInteropTests.Encode(original), isBinary: true, out var packet, out var error);
            Assert.True(status == SocketIODecodeStatus.Packet, error);

            // Numbers come back as JavaScript prints them; everything else byte for byte. A placeholder-shaped object in
            // a packet without attachments stays an object; a reused attachment comes back twice.
            var json = Encoding.UTF8.GetString(original.Data.Span);
            var expectedJson = json.Contains("\"n\",0,1") ? NumbersAsJavaScriptPrintsThem
                : json.Contains("reused") ? $"[\"reused\",{SocketIOMessagePackInteropTests.Placeholder(0)},{SocketIOMessagePackInteropTests.Placeholder(1)}]"
                : Unescaped(json);
            Assert.Equal(expectedJson, Encoding.UTF8.GetString(packet!.Data.Span));
            Assert.Equal(original.Namespace, packet.Namespace);
            Assert.Equal(original.AckId, packet.AckId);
            if (json.Contains("reused"))
            {
                Assert.Equal(2, packet.Attachments.Count);
                continue;
            }

            Assert.Equal(SocketIOJsonParser.WireType(original.Type, original.Attachments.Count), packet.Type);
            Assert.Equal(original.Attachments.Select(a => a.ToArray()), packet.Attachments.Select(a => a.ToArray()));
        }
    }

    private const string NumbersAsJavaScriptPrintsThem =
        "[\"n\",0,1,127,128,255,256,65535,65536,4294967295,4294967296,9007199254740991,-1,-32,-33,-128,-129,"
        + "-32768,-32769,-2147483648,-2147483649,-9007199254740991,1.5,-0.25,1e-7,0.1,123456.789,0,2,100,"
        + "-9223372036854775808,9223372036854775808,18446744073709549568,5e-324,null,null]";

    /// <summary>The JSON after a trip through MessagePack strings: escapes JavaScript would not write are gone.</summary>
    private static string Unescaped(string json) => json
        .Replace("\\ud83d\\ude00", "😀")
        .Replace("\\u00e9\\n", "é\\n");

    [Fact]
    public void Integers_beyond_2_pow_53_are_carried_exactly_where_javascript_would_round()
    {
        var decoder = SocketIOMessagePackParser.Instance.CreateDecoder(new SocketIOParserLimits());
        const string json = "[\"e\",9007199254740993,18446744073709551615,-9223372036854775808]";
        var bytes = SocketIOMessagePackInteropTests.Encode(SocketIOMessagePackInteropTests.Packet(SocketIOPacketType.Event, json));

        decoder.Decode(bytes, true, out var packet, out _);

        Assert.Equal(json, Encoding.UTF8.GetString(packet!.Data.Span));
        Assert.Contains("cf0020000000000001", Convert.ToHexString(bytes).ToLowerInvariant()); // uint 64, not a rounded double
    }
}
