using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.Tests;

/// <summary>
/// <c>byte[]</c>, <c>ReadOnlyMemory&lt;byte&gt;</c> and <c>Memory&lt;byte&gt;</c> inside records and collections: written
/// as attachments with placeholders (what socket.io-parser makes of a Buffer anywhere in an object), bound back from
/// them, through both parsers; hostile placeholders are binding errors (BAD-INPUTS C20); plain System.Text.Json use of
/// the same options still gives base64.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class BinaryInObjectsTests
{
    private static readonly JsonSerializerOptions s_options = SocketIOJson.CreateOptions(BinaryJson.Default);

    public static TheoryData<string> Parsers() => new() { "json", "msgpack" };

    [Theory]
    [MemberData(nameof(Parsers))]
    public void A_byte_array_property_is_an_attachment_and_binds_back(string parser)
    {
        var part = new FilePart("a.bin", [1, 2, 3]);

        var packet = Emit(part, Info<FilePart>());

        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("""["e",{"name":"a.bin","data":{"_placeholder":true,"num":0}}]""", Encoding.UTF8.GetString(packet.Data.Span));
        Assert.Equal([1, 2, 3], Assert.Single(packet.Attachments).ToArray());

        var received = SocketIOArguments.FromEvent(RoundTrip(packet, parser)).GetValue(0, Info<FilePart>())!;
        Assert.Equal("a.bin", received.Name);
        Assert.Equal([1, 2, 3], received.Data);
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Binary_in_lists_dictionaries_and_nested_records_is_numbered_in_document_order(string parser)
    {
        var bundle = new Bundle("b", [[1], [2, 2]], new FilePart("inner", [3, 3, 3]), new() { ["k"] = [4] });

        var packet = Emit(bundle, Info<Bundle>());

        Assert.Equal(
            """["e",{"name":"b","parts":[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}],"inner":{"name":"inner","data":{"_placeholder":true,"num":2}},"byName":{"k":{"_placeholder":true,"num":3}}}]""",
            Encoding.UTF8.GetString(packet.Data.Span));
        var received = SocketIOArguments.FromEvent(RoundTrip(packet, parser)).GetValue(0, Info<Bundle>())!;
        Assert.Equal([[1], [2, 2]], received.Parts);
        Assert.Equal([3, 3, 3], received.Inner!.Data);
        Assert.Equal([4], received.ByName!["k"]);
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Memory_properties_are_attachments_and_bind_back(string parser)
    {
        var part = new MemoryPart("m", new byte[] { 9, 8 }, new byte[] { 7 });

        var packet = Emit(part, Info<MemoryPart>());

        Assert.Equal(2, packet.Attachments.Count);
        var received = SocketIOArguments.FromEvent(RoundTrip(packet, parser)).GetValue(0, Info<MemoryPart>())!;
        Assert.Equal([9, 8], received.Data.ToArray());
        Assert.Equal([7], received.Copy.ToArray());
    }

    [Fact]
    public void What_socket_io_client_sends_for_a_buffer_inside_an_object_binds_to_the_record()
    {
        // socket.emit("e", { name: "a", data: Buffer.from([5, 6]) }) on the wire, through the JSON decoder.
        var decoder = SocketIOJsonParser.Instance.CreateDecoder(new SocketIOParserLimits());
        Assert.Equal(SocketIODecodeStatus.NeedMore, decoder.Decode("51-[\"e\",{\"name\":\"a\",\"data\":{\"_placeholder\":true,\"num\":0}}]"u8.ToArray(), false, out _, out _));
        var status = decoder.Decode(new byte[] { 5, 6 }, true, out var packet, out var error);
        Assert.True(status == SocketIODecodeStatus.Packet, error);

        var received = SocketIOArguments.FromEvent(packet!).GetValue<FilePart>(0, s_options)!;

        Assert.Equal([5, 6], received.Data);
    }

    [Fact]
    public void The_generated_code_path_through_the_contract_context_writes_and_binds_attachments()
    {
        var typeInfo = SocketContractJson.GetTypeInfo<FilePart>(BinaryJson.Default);

        var packet = Emit(new FilePart("c", [1]), typeInfo);

        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal([1], SocketIOArguments.FromEvent(RoundTrip(packet, "json")).GetValue(0, typeInfo)!.Data);
    }

    [Fact]
    public void An_untyped_emit_of_a_record_writes_its_bytes_as_attachments()
    {
        var packet = SocketIOPayloadWriter.CreateEvent("/", "e", [new FilePart("u", [4, 2])], null, s_options);

        Assert.Equal("""["e",{"name":"u","data":{"_placeholder":true,"num":0}}]""", Encoding.UTF8.GetString(packet.Data.Span));
        Assert.Equal([4, 2], Assert.Single(packet.Attachments).ToArray());
    }

    [Fact]
    public void An_empty_byte_array_is_still_an_attachment_and_null_stays_null()
    {
        var packet = Emit(new TwoFiles([], null), Info<TwoFiles>());

        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type); // an empty array is an empty Buffer in JavaScript
        Assert.Equal("""["e",{"first":{"_placeholder":true,"num":0},"second":null}]""", Encoding.UTF8.GetString(packet.Data.Span));
    }

    [Theory]
    [InlineData("""{"first":{"_placeholder":true,"num":1}}""", "attachment 1")]          // out of range
    [InlineData("""{"first":{"_placeholder":true,"num":-1}}""", "attachment -1")]
    [InlineData("""{"first":{"_placeholder":true,"num":0},"second":{"_placeholder":true,"num":0}}""", "two placeholders")] // repeated
    [InlineData("""{"first":{"_placeholder":true,"num":"splice"}}""", "not an integer")]
    [InlineData("""{"first":{"_placeholder":true,"num":0.5}}""", "not an integer")]
    [InlineData("""{"first":{"_placeholder":true}}""", "no num")]
    [InlineData("""{"first":{"_placeholder":1,"num":0}}""", "not an object")]
    [InlineData("""{"first":{"name":"x"}}""", "not an object")]
    [InlineData("""{"first":[1,2]}""", "binary data")]
    public void A_hostile_placeholder_is_a_binding_error_not_a_crash(string argument, string reason)
    {
        // Built directly: the decoders already refuse some of these, but arguments also come from forwarded packets.
        var packet = new SocketIOPacket
        {
            Type = SocketIOPacketType.BinaryEvent,
            Namespace = "/",
            Data = Encoding.UTF8.GetBytes($"[\"e\",{argument}]"),
            Attachments = [new byte[] { 1 }],
        };

        var error = Assert.Throws<JsonException>(() => SocketIOArguments.FromEvent(packet).GetValue(0, Info<TwoFiles>()));

        Assert.Contains(reason, error.Message + error.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placeholder_in_a_packet_without_attachments_is_a_binding_error()
    {
        var packet = new SocketIOPacket { Type = SocketIOPacketType.Event, Namespace = "/", Data = """["e",{"name":"n","data":{"_placeholder":true,"num":0}}]"""u8.ToArray() };

        Assert.Throws<JsonException>(() => SocketIOArguments.FromEvent(packet).GetValue(0, Info<FilePart>()));
    }

    [Fact]
    public void Outside_a_socket_io_packet_the_same_options_give_base64()
    {
        var json = JsonSerializer.Serialize(new FilePart("p", [1, 2, 3]), Info<FilePart>());
        var back = JsonSerializer.Deserialize("""{"name":"p","data":"AQID"}""", Info<FilePart>())!;

        Assert.Equal("""{"name":"p","data":"AQID"}""", json);
        Assert.Equal([1, 2, 3], back.Data);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"name":"p","data":{"_placeholder":true,"num":0}}""", Info<FilePart>()));
    }

    [Fact]
    public void A_converter_the_application_registered_keeps_precedence()
    {
        var options = new JsonSerializerOptions(BinaryJson.Default.Options);
        options.Converters.Add(new HexConverter());
        SocketIOJson.AddConverters(options);

        Assert.Equal("""{"name":"h","data":"0102"}""", JsonSerializer.Serialize(new FilePart("h", [1, 2]), options.GetTypeInfo(typeof(FilePart))));
    }

    private static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)s_options.GetTypeInfo(typeof(T));

    private static SocketIOPacket Emit<T>(T value, JsonTypeInfo<T> typeInfo) =>
        SocketIOPayloadWriter.CreateEvent("/", "e", (value, typeInfo), static (SocketIOArgumentWriter writer, in (T Value, JsonTypeInfo<T> Info) state) => writer.Write(state.Value, state.Info), ackId: null);

    /// <summary>Encodes with <paramref name="parser"/> and decodes what a peer using it would receive.</summary>
    internal static SocketIOPacket RoundTrip(SocketIOPacket packet, string parser)
    {
        var codec = SocketIOParsers.Get(parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json);
        var messages = new List<EngineIOOutgoingPacket>();
        codec.Encode(packet, messages);
        var decoder = codec.CreateDecoder(new SocketIOParserLimits());
        SocketIOPacket? decoded = null;
        foreach (var message in messages)
        {
            // Text messages carry the Engine.IO type character '4'; the decoder takes what follows it.
            var status = decoder.Decode(message.IsBinary ? message.Encoded : message.Encoded[1..], message.IsBinary, out var result, out var error);
            Assert.NotEqual(SocketIODecodeStatus.Error, status);
            decoded = result ?? decoded;
        }

        return Assert.IsType<SocketIOPacket>(decoded);
    }

    private sealed class HexConverter : System.Text.Json.Serialization.JsonConverter<byte[]>
    {
        public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Convert.FromHexString(reader.GetString()!);

        public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options) => writer.WriteStringValue(Convert.ToHexString(value));
    }
}
