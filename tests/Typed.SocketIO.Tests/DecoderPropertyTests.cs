using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Property tests of every decoder the network reaches (CsCheck, <see cref="PropertyIterations"/> cases each):
/// encode→decode identity for every packet type, any split of a payload or a message sequence decodes to the same
/// packets, and arbitrary bytes only ever give the decoder's own error result, never an exception. The coverage-guided
/// counterpart is tests/Typed.Fuzz (docs/testing.md#fuzzing).
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class DecoderPropertyTests
{
    private static readonly SocketIOParserLimits s_limits = new();

    [Fact]
    public void EngineIO_packet_text_form_decodes_to_what_was_encoded()
    {
        DecoderGenerators.EngineIOPacket.Sample(packet =>
        {
            var payload = EncodePayload([packet]);
            var decoded = packet.IsBinary ? payload : packet.Encoded.ToArray();
            Assert.True(EngineIOCodec.TryDecodeText(decoded, out var result, out var error), error);
            AssertSame(packet, result);
        }, iter: PropertyIterations.Count);
    }

    [Fact]
    public void EngineIO_payload_decodes_to_what_was_encoded_however_it_is_split()
    {
        Gen.Select(DecoderGenerators.EngineIOPacket.Array[1, 12], Gen.Int.Array[0, 4]).Sample((packets, cuts) =>
        {
            // The packets as one payload, and as several consecutive payloads cut at arbitrary packet boundaries.
            var whole = Decode(EncodePayload(packets));
            var bounds = cuts.Select(c => (int)((uint)c % (packets.Length + 1))).Append(0).Append(packets.Length).Distinct().Order().ToArray();
            var pieces = new List<EngineIOPacket>();
            for (var i = 0; i + 1 < bounds.Length; i++)
            {
                pieces.AddRange(Decode(EncodePayload(packets[bounds[i]..bounds[i + 1]])));
            }

            Assert.Equal(packets.Length, whole.Count);
            Assert.Equal(packets.Length, pieces.Count);
            for (var i = 0; i < packets.Length; i++)
            {
                AssertSame(packets[i], whole[i]);
                AssertSame(packets[i], pieces[i]);
            }
        }, iter: PropertyIterations.Count);
    }

    [Fact]
    public void EngineIO_decoders_only_refuse_arbitrary_bytes()
    {
        DecoderGenerators.HostileBytes.Sample(bytes =>
        {
            if (!EngineIOCodec.TryDecodeText(bytes.ToArray(), out _, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
            }

            var packets = new List<EngineIOPacket>();
            if (!EngineIOCodec.TryDecodePayload(bytes.ToArray(), packets, 16, out error))
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
        }, iter: PropertyIterations.Count);
    }

    [Theory]
    [InlineData(SocketIOParser.Json)]
    [InlineData(SocketIOParser.MessagePack)]
    public void SocketIO_packet_decodes_to_what_was_encoded(SocketIOParser which)
    {
        var parser = SocketIOParsers.Get(which);
        DecoderGenerators.SocketIOPacket.Sample(packet =>
        {
            var decoder = parser.CreateDecoder(s_limits);
            var decoded = DecodeAll(decoder, Encode(parser, [packet]));
            AssertSame(which, packet, Assert.Single(decoded));
        }, iter: PropertyIterations.Count);
    }

    [Theory]
    [InlineData(SocketIOParser.Json)]
    [InlineData(SocketIOParser.MessagePack)]
    public void SocketIO_packet_sequence_decodes_the_same_through_any_split_of_polling_payloads(SocketIOParser which)
    {
        var parser = SocketIOParsers.Get(which);
        Gen.Select(DecoderGenerators.SocketIOPacket.Array[1, 6], Gen.Int.Array[0, 4]).Sample((packets, cuts) =>
        {
            // The Engine.IO messages of every packet (attachments included), cut into polling payloads anywhere,
            // even between a binary packet and its attachments: one decoder must rebuild the same packets.
            var messages = Encode(parser, packets);
            var bounds = cuts.Select(c => (int)((uint)c % (messages.Count + 1))).Append(0).Append(messages.Count).Distinct().Order().ToArray();
            var decoder = parser.CreateDecoder(s_limits);
            var received = new List<(ReadOnlyMemory<byte> Data, bool IsBinary)>();
            for (var i = 0; i + 1 < bounds.Length; i++)
            {
                foreach (var eio in Decode(EncodePayload(messages.GetRange(bounds[i], bounds[i + 1] - bounds[i]).ToArray())))
                {
                    Assert.Equal(EngineIOPacketType.Message, eio.Type);
                    received.Add((eio.Data.ToArray(), eio.IsBinary));
                }
            }

            var decoded = DecodeAll(decoder, received);
            Assert.Equal(packets.Length, decoded.Count);
            for (var i = 0; i < packets.Length; i++)
            {
                AssertSame(which, packets[i], decoded[i]);
            }
        }, iter: PropertyIterations.Count / 4);
    }

    [Theory]
    [InlineData(SocketIOParser.Json)]
    [InlineData(SocketIOParser.MessagePack)]
    public void SocketIO_decoders_only_refuse_arbitrary_message_sequences(SocketIOParser which)
    {
        var parser = SocketIOParsers.Get(which);
        var limits = new SocketIOParserLimits { MaxAttachmentBytes = 64, MaxContainerElements = 64, MaxDepth = 8 };
        var valid = DecoderGenerators.SocketIOPacket.Select(p => Encode(parser, [p]));
        // Hostile bytes, and valid encodings with bytes overwritten, inserted or cut (what a fuzzer's mutator does).
        var mutated = Gen.Select(valid, Gen.Int, Gen.Byte, Gen.Int[0, 2]).Select((messages, at, value, how) =>
        {
            var list = messages.Select(m => (Data: (m.IsBinary ? m.Encoded : m.Encoded[1..]).ToArray(), m.IsBinary)).ToList();
            var target = list[(int)((uint)at % list.Count)].Data;
            var index = target.Length == 0 ? 0 : (int)((uint)at % target.Length);
            var changed = how switch
            {
                0 when target.Length > 0 => target.Select((b, i) => i == index ? value : b).ToArray(),
                1 => [.. target[..index], value, .. target[index..]],
                _ => target[..index],
            };
            list[(int)((uint)at % list.Count)] = (changed, list[(int)((uint)at % list.Count)].IsBinary);
            return list.Select(m => ((ReadOnlyMemory<byte>)m.Data, m.IsBinary)).ToArray();
        });
        var hostile = Gen.Select(DecoderGenerators.HostileBytes, Gen.Bool).Select((b, bin) => ((ReadOnlyMemory<byte>)b, bin)).Array[1, 5];
        Gen.OneOf(mutated, hostile).Sample(sequence =>
        {
            var decoder = parser.CreateDecoder(limits);
            foreach (var (data, isBinary) in sequence)
            {
                var status = decoder.Decode(data, isBinary, out var packet, out var error);
                Assert.Equal(status == SocketIODecodeStatus.Packet, packet is not null);
                Assert.Equal(status == SocketIODecodeStatus.Error, error is not null);
            }
        }, iter: PropertyIterations.Count);
    }

    private static byte[] EncodePayload(EngineIOOutgoingPacket[] packets)
    {
        var writer = new ArrayBufferWriter<byte>();
        EngineIOCodec.WritePayload(packets, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static List<EngineIOPacket> Decode(byte[] payload)
    {
        var packets = new List<EngineIOPacket>();
        Assert.True(EngineIOCodec.TryDecodePayload(payload, packets, 1000, out var error), error);
        return packets;
    }

    private static List<EngineIOOutgoingPacket> Encode(ISocketIOParser parser, SocketIOPacket[] packets)
    {
        var messages = new List<EngineIOOutgoingPacket>();
        foreach (var packet in packets)
        {
            parser.Encode(packet, messages);
        }

        return messages;
    }

    private static List<SocketIOPacket> DecodeAll(ISocketIODecoder decoder, List<EngineIOOutgoingPacket> messages) =>
        DecodeAll(decoder, messages.Select(m => (m.IsBinary ? m.Encoded : m.Encoded[1..], m.IsBinary)).ToList());

    private static List<SocketIOPacket> DecodeAll(ISocketIODecoder decoder, List<(ReadOnlyMemory<byte> Data, bool IsBinary)> messages)
    {
        var packets = new List<SocketIOPacket>();
        foreach (var (data, isBinary) in messages)
        {
            var status = decoder.Decode(data.ToArray(), isBinary, out var packet, out var error);
            Assert.NotEqual(SocketIODecodeStatus.Error, status);
            Assert.Null(error);
            if (status == SocketIODecodeStatus.Packet)
            {
                packets.Add(packet!);
            }
        }

        return packets;
    }

    private static void AssertSame(EngineIOOutgoingPacket expected, EngineIOPacket actual)
    {
        Assert.Equal(expected.IsBinary, actual.IsBinary);
        if (expected.IsBinary)
        {
            Assert.Equal(EngineIOPacketType.Message, actual.Type);
            Assert.Equal(expected.Encoded.ToArray(), actual.Data.ToArray());
        }
        else
        {
            Assert.Equal((EngineIOPacketType)(expected.Encoded.Span[0] - '0'), actual.Type);
            Assert.Equal(expected.Encoded[1..].ToArray(), actual.Data.ToArray());
        }
    }

    private static void AssertSame(SocketIOParser which, SocketIOPacket expected, SocketIOPacket actual)
    {
        var binary = expected.Attachments.Count > 0;
        var type = expected.Type switch
        {
            SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent => binary ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event,
            SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck => binary ? SocketIOPacketType.BinaryAck : SocketIOPacketType.Ack,
            var other => other,
        };
        Assert.Equal(type, actual.Type);
        Assert.Equal(expected.Namespace, actual.Namespace);
        Assert.Equal(expected.AckId, actual.AckId);
        Assert.Equal(expected.EventName, actual.EventName);
        if (which == SocketIOParser.Json)
        {
            Assert.Equal(Encoding.UTF8.GetString(expected.Data.Span), Encoding.UTF8.GetString(actual.Data.Span));
        }
        else if (expected.Data.IsEmpty)
        {
            Assert.True(actual.Data.IsEmpty);
        }
        else
        {
            // MessagePack carries values, not JSON text: the JSON it gives back is the same value.
            using var left = JsonDocument.Parse(expected.Data);
            using var right = JsonDocument.Parse(actual.Data);
            Assert.True(JsonElement.DeepEquals(left.RootElement, right.RootElement),
                Encoding.UTF8.GetString(expected.Data.Span) + " != " + Encoding.UTF8.GetString(actual.Data.Span));
        }

        Assert.Equal(expected.Attachments.Select(a => a.ToArray()), actual.Attachments.Select(a => a.ToArray()));
    }
}
