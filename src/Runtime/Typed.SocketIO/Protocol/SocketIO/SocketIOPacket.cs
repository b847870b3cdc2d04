namespace Typed.SocketIO.Protocol;

/// <summary>
/// A Socket.IO packet, independent of the parser that carries it. <see cref="Data"/> is always UTF-8 JSON exactly as
/// socket.io-parser puts it on the wire, binary values replaced by <c>{"_placeholder":true,"num":N}</c> and carried in
/// <see cref="Attachments"/> (the MessagePack parser transcodes to and from this), so arguments can be read straight
/// into their types whatever the parser.
/// Adapters receive packets in this form to broadcast them.
/// </summary>
public sealed class SocketIOPacket
{
    /// <summary>The packet type.</summary>
    public required SocketIOPacketType Type { get; init; }

    /// <summary>The namespace, <c>/</c> by default.</summary>
    public string Namespace { get; init; } = "/";

    /// <summary>The acknowledgement id, when the sender expects (or this packet is) an acknowledgement.</summary>
    public long? AckId { get; init; }

    /// <summary>The payload as UTF-8 JSON; empty when the packet has none.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>For events, the event name (a numeric name is kept as its digits, as the reference dispatches it).</summary>
    public string? EventName { get; init; }

    /// <summary>Binary attachments of a binary event or ack, in the order placeholders number them.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Attachments { get; init; } = [];

    /// <summary>The same packet with another acknowledgement id (a retried emit re-sends its payload under a new id).</summary>
    internal SocketIOPacket WithAckId(long? ackId) => new()
    {
        Type = Type,
        Namespace = Namespace,
        AckId = ackId,
        Data = Data,
        EventName = EventName,
        Attachments = Attachments,
    };
}
