using System.Buffers;
using System.Text;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// Packets and acknowledgement values in the form @socket.io/redis-adapter puts them inside its messages: the
/// notepack encoding of the packet object <c>{type, data, nsp, id?}</c>, binary values as <c>bin</c>. That is exactly
/// what the MessagePack parser writes and reads, so its encoder and its strict decoder do the work.
/// </summary>
internal static class RedisPacketCodec
{
    private static readonly ISocketIOParser s_parser = SocketIOParsers.Get(SocketIOParser.MessagePack);

    /// <summary>The packet object's MessagePack bytes.</summary>
    public static ReadOnlyMemory<byte> EncodePacket(SocketIOPacket packet)
    {
        var output = new List<EngineIOOutgoingPacket>(1);
        s_parser.Encode(packet, output);
        return output[0].Encoded;
    }

    /// <summary>Decodes a packet object with the MessagePack parser's own checks (type, nsp, data shape, limits).</summary>
    public static bool TryDecodePacket(ReadOnlySpan<byte> map, SocketIOParserLimits limits, out SocketIOPacket? packet, out string? error)
    {
        // The decoder may keep pointers into its input: it gets a copy the packet can own.
        var decoder = s_parser.CreateDecoder(limits);
        var status = decoder.Decode(map.ToArray(), isBinary: true, out packet, out error);
        if (status == SocketIODecodeStatus.Packet && packet is not null)
        {
            return true;
        }

        error ??= "incomplete packet";
        packet = null;
        return false;
    }

    /// <summary>
    /// Reads one acknowledgement value (a client's first ack argument, any JSON-like value with binaries) as arguments:
    /// it is wrapped into an ACK packet object and decoded like one, so the same limits apply.
    /// </summary>
    public static bool TryDecodeAckValue(ReadOnlySpan<byte> value, SocketIOParserLimits limits, out SocketIOArguments arguments, out string? error)
    {
        arguments = SocketIOArguments.Empty;
        var buffer = new ArrayBufferWriter<byte>(value.Length + 32);
        var writer = new MessagePackBufferWriter(buffer);
        writer.WriteMapHeader(4);
        writer.WriteString("type"u8);
        writer.Write((long)SocketIOPacketType.Ack);
        writer.WriteString("nsp"u8);
        writer.WriteString("/"u8);
        writer.WriteString("id"u8);
        writer.Write(0L);
        writer.WriteString("data"u8);
        writer.WriteArrayHeader(1);
        buffer.Write(value);
        if (!TryDecodePacket(buffer.WrittenSpan, limits, out var packet, out error))
        {
            return false;
        }

        arguments = SocketIOArguments.FromAck(packet!).Detach();
        return true;
    }

    /// <summary>The MessagePack bytes of the first of <paramref name="arguments"/> (nil when there is none).</summary>
    public static byte[] EncodeAckValue(SocketIOArguments arguments)
    {
        if (arguments.Count == 0)
        {
            return [0xc0];
        }

        var raw = arguments.GetRawJson(0);
        var json = new byte[raw.Length + 2];
        json[0] = (byte)'[';
        raw.Span.CopyTo(json.AsSpan(1));
        json[^1] = (byte)']';
        var encoded = EncodePacket(new SocketIOPacket
        {
            Type = SocketIOPacketType.Ack,
            AckId = 0,
            Data = json,
            Attachments = arguments.Attachments,
        }).Span;

        // Our own encoder's output: the map has a data field holding a one-element array.
        if (!RedisMessagePack.TryReadMap(encoded, out var fields) || !fields.TryGetValue("data", out var data)
            || !RedisMessagePack.TryReadArray(encoded[data], 1, out var elements) || elements.Count != 1)
        {
            throw new InvalidOperationException("The MessagePack encoder wrote an unexpected acknowledgement.");
        }

        return encoded[data][elements[0]].ToArray();
    }

    /// <summary>UTF-8 text of a message, for logs (truncated).</summary>
    public static string Describe(ReadOnlySpan<byte> message) =>
        message.Length <= 64 ? Convert.ToHexString(message) : Convert.ToHexString(message[..64]) + "…";

    /// <summary>A fresh random id (request ids, the server uid), URL-safe.</summary>
    public static string NewId(int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)]);
        }

        return builder.ToString();
    }
}
