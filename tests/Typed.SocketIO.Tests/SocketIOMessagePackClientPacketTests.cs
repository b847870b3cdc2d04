using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>Packets exactly as socket.io-client 4.8 + socket.io-msgpack-parser 3.0.2 send them.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOMessagePackClientPacketTests
{
    [Fact]
    public void Emit_flags_the_client_encodes_in_options_are_ignored()
    {
        // {type:2, data:["hello"], options:{compress:true}, nsp:"/"}: socket.io-client keeps its emit flags on the
        // packet object and the msgpack parser encodes the whole object.
        byte[] bytes =
        [
            0x84,
            0xa4, (byte)'t', (byte)'y', (byte)'p', (byte)'e', 0x02,
            0xa4, (byte)'d', (byte)'a', (byte)'t', (byte)'a', 0x91, 0xa5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o',
            0xa7, (byte)'o', (byte)'p', (byte)'t', (byte)'i', (byte)'o', (byte)'n', (byte)'s', 0x81,
            0xa8, (byte)'c', (byte)'o', (byte)'m', (byte)'p', (byte)'r', (byte)'e', (byte)'s', (byte)'s', 0xc3,
            0xa3, (byte)'n', (byte)'s', (byte)'p', 0xa1, (byte)'/',
        ];

        var status = SocketIOMessagePackParser.Instance.CreateDecoder(new SocketIOParserLimits()).Decode(bytes, isBinary: true, out var packet, out var error);

        Assert.True(status == SocketIODecodeStatus.Packet, error);
        Assert.Equal("hello", packet!.EventName);
        Assert.Equal("[\"hello\"]", System.Text.Encoding.UTF8.GetString(packet.Data.Span));
    }

    [Fact]
    public void Options_deeper_than_allowed_are_walked_without_recursion_and_refused_when_too_large()
    {
        // options: 20,000 nested one-element arrays, then nil: bounded by MaxContainerElements, never recursed.
        var bytes = new List<byte> { 0x83, 0xa4, (byte)'t', (byte)'y', (byte)'p', (byte)'e', 0x02, 0xa7, (byte)'o', (byte)'p', (byte)'t', (byte)'i', (byte)'o', (byte)'n', (byte)'s' };
        bytes.AddRange(Enumerable.Repeat((byte)0x91, 20_000));
        bytes.Add(0xc0);
        bytes.AddRange([0xa3, (byte)'n', (byte)'s', (byte)'p', 0xa1, (byte)'/']);

        var status = SocketIOMessagePackParser.Instance.CreateDecoder(new SocketIOParserLimits()).Decode(bytes.ToArray(), isBinary: true, out _, out var error);

        Assert.Equal(SocketIODecodeStatus.Error, status);
        Assert.Equal("a MessagePack packet's options are too large", error);
    }
}
