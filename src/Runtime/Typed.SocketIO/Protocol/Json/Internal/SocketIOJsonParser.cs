using System.Globalization;
using System.Text;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// The default Socket.IO parser (socket.io-parser 4.2): text packets
/// <c>&lt;type&gt;[&lt;n&gt;-][&lt;nsp&gt;,][&lt;id&gt;][&lt;json&gt;]</c>, each binary attachment in a binary message of its
/// own after its packet. Decoding is <see cref="SocketIOJsonDecoder"/>.
/// </summary>
internal sealed class SocketIOJsonParser : ISocketIOParser
{
    private SocketIOJsonParser()
    {
    }

    /// <summary>The one instance; the parser is stateless.</summary>
    public static SocketIOJsonParser Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "json";

    /// <inheritdoc/>
    public ISocketIODecoder CreateDecoder(SocketIOParserLimits limits) => new SocketIOJsonDecoder(limits);

    /// <summary>
    /// Appends the text message <c>4&lt;packet&gt;</c>, built in one array, then one binary message per attachment.
    /// The type on the wire follows the attachments, not <see cref="SocketIOPacket.Type"/>: 5/6 exactly when there are
    /// attachments (a <c>50-</c> packet would leave a reference decoder waiting), else 2/3. The namespace is written
    /// only when it is not <c>/</c>, always with its comma.
    /// </summary>
    public void Encode(SocketIOPacket packet, List<EngineIOOutgoingPacket> output)
    {
        var attachments = packet.Attachments;
        var attachmentCount = attachments.Count;
        var type = WireType(packet.Type, attachmentCount);
        var ns = packet.Namespace;
        var writeNamespace = ns.Length > 0 && ns != "/";
        var ackId = packet.AckId;
        if (ackId < 0)
        {
            throw new ArgumentException("An ack id cannot be negative.", nameof(packet));
        }

        var data = packet.Data.Span;
        var length = 2 + data.Length;
        if (attachmentCount > 0)
        {
            length += CountDigits((ulong)attachmentCount) + 1;
        }

        if (writeNamespace)
        {
            length += Encoding.UTF8.GetByteCount(ns) + 1;
        }

        if (ackId is { } id)
        {
            length += CountDigits((ulong)id);
        }

        var bytes = new byte[length];
        var span = bytes.AsSpan();
        span[0] = (byte)'4'; // the Engine.IO message type
        span[1] = (byte)('0' + (int)type);
        var position = 2;
        if (attachmentCount > 0)
        {
            attachmentCount.TryFormat(span[position..], out var written, default, CultureInfo.InvariantCulture);
            position += written;
            span[position++] = (byte)'-';
        }

        if (writeNamespace)
        {
            position += Encoding.UTF8.GetBytes(ns, span[position..]);
            span[position++] = (byte)',';
        }

        if (ackId is { } ack)
        {
            ack.TryFormat(span[position..], out var written, default, CultureInfo.InvariantCulture);
            position += written;
        }

        data.CopyTo(span[position..]);
        output.Add(EngineIOOutgoingPacket.FromEncodedText(bytes));
        for (var i = 0; i < attachmentCount; i++)
        {
            output.Add(EngineIOOutgoingPacket.FromBinary(attachments[i]));
        }
    }

    /// <summary>The type digit the wire needs: binary types exactly when the packet carries attachments.</summary>
    internal static SocketIOPacketType WireType(SocketIOPacketType type, int attachmentCount) => type switch
    {
        SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent =>
            attachmentCount > 0 ? SocketIOPacketType.BinaryEvent : SocketIOPacketType.Event,
        SocketIOPacketType.Ack or SocketIOPacketType.BinaryAck =>
            attachmentCount > 0 ? SocketIOPacketType.BinaryAck : SocketIOPacketType.Ack,
        _ when attachmentCount > 0 => throw new ArgumentException($"A {type} packet cannot carry attachments.", nameof(type)),
        _ => type,
    };

    private static int CountDigits(ulong value)
    {
        var digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}
