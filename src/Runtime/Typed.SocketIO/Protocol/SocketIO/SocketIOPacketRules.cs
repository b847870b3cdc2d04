namespace Typed.SocketIO.Protocol;

/// <summary>
/// The checks every parser applies to a decoded packet, so the JSON and MessagePack parsers refuse the same things
/// (the reference's MessagePack parser does not check event names; ours does).
/// </summary>
public static class SocketIOPacketRules
{
    /// <summary>Names the protocol reserves: refused when received, and when an application tries to emit them.</summary>
    /// <remarks>The list is shared with the source generator (TYPED007), so what a contract may not name is what the wire refuses.</remarks>
    public static bool IsReservedEventName(string name) => Typed.Shared.SocketIOReservedNames.IsReservedEventName(name);

    /// <summary>The largest ack id a JavaScript peer can hold exactly (2^53 − 1).</summary>
    public const long MaxAckId = (1L << 53) - 1;
}
