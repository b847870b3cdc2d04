using System.Buffers;
using System.Buffers.Text;
using System.Text.Unicode;

namespace Typed.SocketIO.Protocol;

/// <summary>
/// Encodes and decodes Engine.IO v4 packets and long-polling payloads. Decoding works in place on a buffer the
/// caller owns (base64 is decoded over its own text), so a payload costs no allocation beyond the packet list.
/// </summary>
public static class EngineIOCodec
{
    /// <summary>
    /// Decodes one packet in its text form: <c>&lt;type&gt;&lt;data&gt;</c>, or <c>b&lt;base64&gt;</c> for a binary
    /// message. The base64 is decoded strictly (standard alphabet, padding required, no whitespace), in place.
    /// </summary>
    public static bool TryDecodeText(Memory<byte> text, out EngineIOPacket packet, out string? error)
    {
        packet = default;
        if (text.IsEmpty)
        {
            error = "empty packet";
            return false;
        }

        var first = text.Span[0];
        if (first == EngineIOProtocol.BinaryPrefix)
        {
            if (!TryDecodeBase64InPlace(text[1..], out var bytes))
            {
                error = "invalid base64 in binary packet";
                return false;
            }

            packet = new EngineIOPacket(EngineIOPacketType.Message, bytes, isBinary: true);
            error = null;
            return true;
        }

        var type = first - (byte)'0';
        if ((uint)type > (uint)EngineIOPacketType.Noop)
        {
            error = "unknown packet type";
            return false;
        }

        packet = new EngineIOPacket((EngineIOPacketType)type, text[1..], isBinary: false);
        error = null;
        return true;
    }

    /// <summary>
    /// Splits a long-polling payload on <c>\x1e</c> and decodes every packet. Fails on the first bad packet, on
    /// invalid UTF-8, or when the payload holds more than <paramref name="maxPackets"/> packets. Every piece must be
    /// a packet: an empty body, an empty piece and a trailing separator are errors, as in the reference parser.
    /// </summary>
    public static bool TryDecodePayload(Memory<byte> body, List<EngineIOPacket> packets, int maxPackets, out string? error)
    {
        if (!Utf8.IsValid(body.Span))
        {
            error = "payload is not valid UTF-8";
            return false;
        }

        var remaining = body;
        while (true)
        {
            if (packets.Count == maxPackets)
            {
                error = $"payload holds more than {maxPackets} packets";
                return false;
            }

            var separator = remaining.Span.IndexOf(EngineIOProtocol.RecordSeparator);
            var piece = separator < 0 ? remaining : remaining[..separator];
            if (!TryDecodeText(piece, out var packet, out error))
            {
                return false;
            }

            packets.Add(packet);
            if (separator < 0)
            {
                return true;
            }

            remaining = remaining[(separator + 1)..];
        }
    }

    /// <summary>The number of bytes <see cref="WritePayload"/> writes for <paramref name="packets"/>.</summary>
    public static int GetPayloadLength(ReadOnlySpan<EngineIOOutgoingPacket> packets)
    {
        var length = packets.Length - 1; // separators
        foreach (var packet in packets)
        {
            length += packet.IsBinary ? 1 + Base64.GetMaxEncodedToUtf8Length(packet.Encoded.Length) : packet.Encoded.Length;
        }

        return length;
    }

    /// <summary>Writes packets as a long-polling payload: joined by <c>\x1e</c>, binary as <c>b&lt;base64&gt;</c>.</summary>
    public static void WritePayload(ReadOnlySpan<EngineIOOutgoingPacket> packets, IBufferWriter<byte> writer)
    {
        for (var i = 0; i < packets.Length; i++)
        {
            var packet = packets[i];
            var source = packet.Encoded.Span;
            var separator = i > 0 ? 1 : 0;
            if (!packet.IsBinary)
            {
                var span = writer.GetSpan(separator + source.Length);
                if (separator == 1)
                {
                    span[0] = EngineIOProtocol.RecordSeparator;
                }

                source.CopyTo(span[separator..]);
                writer.Advance(separator + source.Length);
                continue;
            }

            var encodedLength = Base64.GetMaxEncodedToUtf8Length(source.Length);
            var target = writer.GetSpan(separator + 1 + encodedLength);
            if (separator == 1)
            {
                target[0] = EngineIOProtocol.RecordSeparator;
            }

            target[separator] = EngineIOProtocol.BinaryPrefix;
            Base64.EncodeToUtf8(source, target[(separator + 1)..], out _, out var written);
            writer.Advance(separator + 1 + written);
        }
    }

    /// <summary>Writes one text packet as <c>b&lt;base64&gt;</c> form for a binary message, used by <c>b64=1</c> WebSocket peers.</summary>
    public static byte[] EncodeBinaryAsBase64Text(ReadOnlySpan<byte> bytes)
    {
        var result = new byte[1 + Base64.GetMaxEncodedToUtf8Length(bytes.Length)];
        result[0] = EngineIOProtocol.BinaryPrefix;
        Base64.EncodeToUtf8(bytes, result.AsSpan(1), out _, out _);
        return result;
    }

    /// <summary>
    /// Strict base64: only the standard alphabet, '=' padding at the end, length a multiple of four. The .NET decoder
    /// skips whitespace, which the protocol never produces, so the alphabet is checked first.
    /// </summary>
    private static bool TryDecodeBase64InPlace(Memory<byte> base64, out Memory<byte> bytes)
    {
        bytes = default;
        var span = base64.Span;
        if (span.Length % 4 != 0)
        {
            return false;
        }

        var padding = 0;
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c == (byte)'=')
            {
                padding++;
                continue;
            }

            if (padding > 0 || !IsBase64Char(c))
            {
                return false;
            }
        }

        if (padding > 2)
        {
            return false;
        }

        if (Base64.DecodeFromUtf8InPlace(span, out var written) != OperationStatus.Done)
        {
            return false;
        }

        bytes = base64[..written];
        return true;
    }

    private static bool IsBase64Char(byte c) =>
        (uint)(c - 'A') <= 'Z' - 'A' || (uint)(c - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9 || c == '+' || c == '/';
}
