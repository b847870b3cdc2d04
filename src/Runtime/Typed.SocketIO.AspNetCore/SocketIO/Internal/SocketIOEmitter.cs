namespace Typed.SocketIO.Internal;

/// <summary>Builds outgoing event packets and checks event names, for sockets and broadcasts alike.</summary>
internal static class SocketIOEmitter
{
    public static void ValidateEventName(string eventName) => SocketIOPayloadWriter.ValidateEventName(eventName);

    public static object?[] Arguments(object?[]? args) => SocketIOPayloadWriter.NormalizeArguments(args);

    public static SocketIOPacket CreateEvent(SocketIONamespace ns, string eventName, object?[]? args, long? ackId) =>
        SocketIOPayloadWriter.CreateEvent(ns.Name, eventName, Arguments(args), ackId, ns.Server.Options.JsonSerializerOptions);
}
