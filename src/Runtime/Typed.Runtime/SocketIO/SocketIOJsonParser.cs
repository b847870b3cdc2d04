using System.Text;
using Typed.EngineIO;

namespace Typed.SocketIO;

/// <summary>The default parser (socket.io-parser 4.2): <c>&lt;type&gt;[&lt;n&gt;-][&lt;nsp&gt;,][&lt;id&gt;][&lt;json&gt;]</c> plus binary attachments.</summary>
internal sealed class SocketIOJsonParser : ISocketIOParser
{
    public static SocketIOJsonParser Instance { get; } = new();

    public string Name => "json";

    public ISocketIODecoder CreateDecoder(SocketIOParserLimits limits) => new SocketIOJsonDecoder(limits);

    public void Encode(SocketIOPacket packet, List<EngineIOOutgoingPacket> output)
    {
        var attachments = packet.Attachments.Count;
        var type = packet.Type;
        if (attachments > 0)
        {
            type = type switch
            {
                SocketIOPacketType.Event => SocketIOPacketType.BinaryEvent,
                SocketIOPacketType.Ack => SocketIOPacketType.BinaryAck,
                _ => type,
            };
        }
        else
        {
            // Never "50-": a binary type without attachments leaves the peer's decoder waiting.
            type = type switch
            {
                SocketIOPacketType.BinaryEvent => SocketIOPacketType.Event,
                SocketIOPacketType.BinaryAck => SocketIOPacketType.Ack,
                _ => type,
            };
        }

        var writesNamespace = packet.Namespace != "/";
        Span<byte> digits = stackalloc byte[20];
        var attachmentDigits = 0;
        if (attachments > 0)
        {
            attachments.TryFormat(digits, out attachmentDigits);
        }

        Span<byte> idDigits = stackalloc byte[20];
        var idLength = 0;
        if (packet.AckId is long id)
        {
            id.TryFormat(idDigits, out idLength);
        }

        var namespaceLength = writesNamespace ? Encoding.UTF8.GetByteCount(packet.Namespace) + 1 : 0;
        var length = 2 + (attachments > 0 ? attachmentDigits + 1 : 0) + namespaceLength + idLength + packet.Data.Length;
        var encoded = new byte[length];
        var span = encoded.AsSpan();
        span[0] = (byte)'4';
        span[1] = (byte)('0' + (int)type);
        var position = 2;
        if (attachments > 0)
        {
            digits[..attachmentDigits].CopyTo(span[position..]);
            position += attachmentDigits;
            span[position++] = (byte)'-';
        }

        if (writesNamespace)
        {
            position += Encoding.UTF8.GetBytes(packet.Namespace, span[position..]);
            span[position++] = (byte)',';
        }

        idDigits[..idLength].CopyTo(span[position..]);
        position += idLength;
        packet.Data.Span.CopyTo(span[position..]);

        output.Add(EngineIOOutgoingPacket.FromEncodedText(encoded));
        foreach (var attachment in packet.Attachments)
        {
            output.Add(EngineIOOutgoingPacket.FromBinary(attachment));
        }
    }
}
