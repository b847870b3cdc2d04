using System.Buffers;
using Typed.SocketIO.Protocol;

namespace Typed.Fuzz;

/// <summary>
/// Engine.IO: one text packet (a WebSocket text frame) and a long-polling payload. The codec's contract is a bool and
/// an error string, never an exception; an accepted payload must come back the same through the encoder.
/// </summary>
internal static class EngineIOTargets
{
    private const int MaxPackets = 64;

    public static void Packet(byte[] input)
    {
        if (EngineIOCodec.TryDecodeText(input, out var packet, out var error))
        {
            if (error is not null)
            {
                throw new ContractViolationException("accepted with an error");
            }

            if (!packet.IsBinary && (uint)packet.Type > (uint)EngineIOPacketType.Noop)
            {
                throw new ContractViolationException("unknown type accepted");
            }
        }
        else if (string.IsNullOrEmpty(error))
        {
            throw new ContractViolationException("refused without a reason");
        }
    }

    public static void Payload(byte[] input)
    {
        var packets = new List<EngineIOPacket>();
        if (!EngineIOCodec.TryDecodePayload(input.AsMemory(), packets, MaxPackets, out var error))
        {
            if (string.IsNullOrEmpty(error))
            {
                throw new ContractViolationException("refused without a reason");
            }

            return;
        }

        // Re-encode what was accepted: the decoder and the encoder must agree on every packet.
        var outgoing = new EngineIOOutgoingPacket[packets.Count];
        for (var i = 0; i < packets.Count; i++)
        {
            var p = packets[i];
            if (p.IsBinary)
            {
                outgoing[i] = EngineIOOutgoingPacket.FromBinary(p.Data.ToArray());
            }
            else
            {
                var text = new byte[1 + p.Data.Length];
                text[0] = (byte)('0' + (int)p.Type);
                p.Data.Span.CopyTo(text.AsSpan(1));
                outgoing[i] = EngineIOOutgoingPacket.FromEncodedText(text);
            }
        }

        var writer = new ArrayBufferWriter<byte>();
        EngineIOCodec.WritePayload(outgoing, writer);
        var again = new List<EngineIOPacket>();
        if (!EngineIOCodec.TryDecodePayload(writer.WrittenSpan.ToArray(), again, MaxPackets, out error))
        {
            throw new ContractViolationException("re-encoded payload refused: " + error);
        }

        if (again.Count != packets.Count)
        {
            throw new ContractViolationException("re-encoded payload has another packet count");
        }

        for (var i = 0; i < packets.Count; i++)
        {
            if (again[i].Type != outgoing[i].Type() || again[i].IsBinary != packets[i].IsBinary
                || !again[i].Data.Span.SequenceEqual(outgoing[i].IsBinary ? outgoing[i].Encoded.Span : outgoing[i].Encoded.Span[1..]))
            {
                throw new ContractViolationException($"packet {i} changed through encode and decode");
            }
        }
    }

    private static EngineIOPacketType Type(this EngineIOOutgoingPacket packet) =>
        packet.IsBinary ? EngineIOPacketType.Message : (EngineIOPacketType)(packet.Encoded.Span[0] - '0');
}
