using System.Text;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Inputs that the fuzzer (eng/fuzz.sh, tests/Typed.Fuzz) found to break a decoder's contract, each kept as a
/// regression test (docs/testing.md#fuzzing).
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class FuzzRegressionTests
{
    /// <summary>
    /// sio-msgpack seed <c>{"type":0,"nsp":"/chat"}</c>: the packet was accepted but the decoder also handed back the
    /// reason "invalid payload", which the contract reserves for <see cref="SocketIODecodeStatus.Error"/>.
    /// </summary>
    [Theory]
    [InlineData("82 a474797065 00 a36e7370 a52f63686174")] // {"type":0,"nsp":"/chat"}: connect
    [InlineData("82 a474797065 01 a36e7370 a12f")] // {"type":1,"nsp":"/"}: disconnect
    [InlineData("83 a474797065 03 a464617461 90 a36e7370 a12f")] // {"type":3,"data":[],"nsp":"/"}: ack
    [InlineData("83 a474797065 04 a464617461 a178 a36e7370 a12f")] // {"type":4,"data":"x","nsp":"/"}: connect error
    public void MessagePack_decoder_gives_no_error_reason_with_an_accepted_packet(string hex)
    {
        var decoder = SocketIOParsers.Get(SocketIOParser.MessagePack).CreateDecoder(new SocketIOParserLimits());

        var status = decoder.Decode(Convert.FromHexString(hex.Replace(" ", "")), isBinary: true, out var packet, out var error);

        Assert.Equal(SocketIODecodeStatus.Packet, status);
        Assert.NotNull(packet);
        Assert.Null(error);
    }

    /// <summary>
    /// Found by <c>DecoderPropertyTests</c> (seed <c>bUdRH-bFAOp1</c>) and by AFL++ (three sio-json crashes): an event name holding invalid UTF-8 made the JSON
    /// decoder throw InvalidOperationException (the JSON reader checks a string's UTF-8 only when it is read) instead
    /// of returning <see cref="SocketIODecodeStatus.Error"/>.
    /// </summary>
    [Theory]
    [InlineData("2[\"", "AB", "\"]")]
    [InlineData("51-[\"a", "C3", "\",{\"_placeholder\":true,\"num\":0}]")]
    [InlineData("2/chat,1[\"", "FFFE", "\"]")]
    [InlineData("2[\"x", "9A", "\"x\"]")] // eng/fuzz.sh sio-json, crash id:000000 (the same bug, found by AFL++ too)
    public void Json_decoder_refuses_an_event_name_with_invalid_utf8(string before, string invalidHex, string after)
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes(before), .. Convert.FromHexString(invalidHex), .. Encoding.UTF8.GetBytes(after)];
        var decoder = SocketIOParsers.Get(SocketIOParser.Json).CreateDecoder(new SocketIOParserLimits());

        var status = decoder.Decode(bytes, isBinary: false, out var packet, out var error);

        Assert.Equal(SocketIODecodeStatus.Error, status);
        Assert.Null(packet);
        Assert.Equal("invalid payload", error);
    }

    /// <summary>
    /// eng/fuzz.sh sio-msgpack, three crash inputs of one cause (2026-11-28): the float32 -2^63 decodes to the JSON
    /// number <c>-9223372036854776000</c> (as JavaScript prints it). That literal fits no int64, so the encoder took its
    /// double, wrote it as the int64 -2^63, and the next decode printed the exact <c>-9223372036854775808</c>: the
    /// packet changed through encode and decode. An integer literal that fits neither int64 nor uint64 is now written
    /// as the float64 it parses to, which decodes to the same text.
    /// </summary>
    [Theory]
    [InlineData("83 a474797065 03 a464617461 91 ca df000000 a36e7370 a12f", "[-9223372036854776000]")] // float32 -2^63
    [InlineData("83 a474797065 03 a464617461 91 cb c3e0000000000000 a36e7370 a12f", "[-9223372036854776000]")] // float64 -2^63
    public void MessagePack_float_at_the_int64_minimum_survives_encode_and_decode(string hex, string json)
    {
        var parser = SocketIOParsers.Get(SocketIOParser.MessagePack);
        var status = parser.CreateDecoder(new SocketIOParserLimits()).Decode(Convert.FromHexString(hex.Replace(" ", "")), isBinary: true, out var packet, out _);
        Assert.Equal(SocketIODecodeStatus.Packet, status);
        Assert.Equal(json, Encoding.UTF8.GetString(packet!.Data.Span));

        var messages = new List<Typed.SocketIO.Protocol.EngineIOOutgoingPacket>();
        parser.Encode(packet, messages);
        var again = parser.CreateDecoder(new SocketIOParserLimits()).Decode(Assert.Single(messages).Encoded.ToArray(), isBinary: true, out var decoded, out _);

        Assert.Equal(SocketIODecodeStatus.Packet, again);
        Assert.Equal(json, Encoding.UTF8.GetString(decoded!.Data.Span));
    }
}
