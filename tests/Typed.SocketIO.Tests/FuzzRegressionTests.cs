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
}
