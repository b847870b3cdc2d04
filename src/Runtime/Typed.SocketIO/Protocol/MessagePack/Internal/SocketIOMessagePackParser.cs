
namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// The MessagePack parser, wire-compatible with socket.io-msgpack-parser 3.0.2 (notepack.io): each packet is one
/// binary Engine.IO message holding a map <c>{type, data?, nsp, id?}</c>. There are no attachments and no types 5/6
/// on the wire: binary values sit inside <c>data</c> as <c>bin</c>. This parser transcodes between that and the
/// shared JSON-plus-attachments representation, so nothing above it knows which parser is in use. Decoding is
/// <see cref="SocketIOMessagePackDecoder"/>.
/// </summary>
internal sealed class SocketIOMessagePackParser : ISocketIOParser
{
    // Scratch for building one packet; taken off the thread while in use, so a nested call cannot share it.
    [ThreadStatic]
    private static PooledByteBufferWriter? t_buffer;

    private SocketIOMessagePackParser()
    {
    }

    /// <summary>The one instance; the parser is stateless.</summary>
    public static SocketIOMessagePackParser Instance { get; } = new();

    /// <inheritdoc/>
    public string Name => "msgpack";

    /// <inheritdoc/>
    public ISocketIODecoder CreateDecoder(SocketIOParserLimits limits) => new SocketIOMessagePackDecoder(limits);

    /// <summary>
    /// Appends one binary message. Keys are written in the order the reference server writes a CONNECT reply or an
    /// event (<c>type</c>, <c>data</c>, <c>nsp</c>), then <c>id</c>; decoders read by key, so the order is cosmetic.
    /// <c>nsp</c> is always present; <c>data</c> only when the packet has a payload; types 5/6 go out as 2/3.
    /// </summary>
    public void Encode(SocketIOPacket packet, List<EngineIOOutgoingPacket> output)
    {
        var attachments = packet.Attachments;
        var type = SocketIOJsonParser.WireType(packet.Type, attachments.Count) switch
        {
            SocketIOPacketType.BinaryEvent => SocketIOPacketType.Event,
            SocketIOPacketType.BinaryAck => SocketIOPacketType.Ack,
            var other => other,
        };
        if (packet.AckId < 0)
        {
            throw new ArgumentException("An ack id cannot be negative.", nameof(packet));
        }

        var buffer = t_buffer ?? new PooledByteBufferWriter();
        t_buffer = null;
        try
        {
            var data = packet.Data.Span;
            var writer = new MessagePackBufferWriter(buffer);
            writer.WriteMapHeader(2 + (data.IsEmpty ? 0 : 1) + (packet.AckId is null ? 0 : 1));
            writer.WriteString("type"u8);
            writer.Write((int)type);
            if (!data.IsEmpty)
            {
                writer.WriteString("data"u8);
                JsonToMessagePackTranscoder.Write(in writer, data, attachments);
            }

            writer.WriteString("nsp"u8);
            writer.Write(packet.Namespace);
            if (packet.AckId is { } id)
            {
                writer.WriteString("id"u8);
                writer.Write(id);
            }

            output.Add(EngineIOOutgoingPacket.FromBinary(buffer.ToArray()));
        }
        finally
        {
            buffer.Clear();
            t_buffer = buffer;
        }
    }
}
