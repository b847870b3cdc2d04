namespace Typed.SocketIO.Internal;

/// <summary>Builds outgoing event packets and checks event names, for sockets and broadcasts alike.</summary>
internal static class SocketIOEmitter
{
    public static void ValidateEventName(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        if (SocketIOPacketRules.IsReservedEventName(eventName))
        {
            throw new ArgumentException($"\"{eventName}\" is a reserved event name.", nameof(eventName));
        }
    }

    public static SocketIOPacket CreateEvent(SocketIONamespace ns, string eventName, ReadOnlySpan<object?> args, long? ackId)
    {
        var (json, attachments) = SocketIOPayloadWriter.Write(eventName, args, ns.Server.Options.JsonSerializerOptions);
        return new SocketIOPacket { Type = SocketIOPacketType.Event, Namespace = ns.Name, AckId = ackId, Data = json, Attachments = attachments };
    }
}
