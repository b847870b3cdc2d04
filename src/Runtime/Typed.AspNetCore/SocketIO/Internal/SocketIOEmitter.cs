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

    /// <summary>
    /// The arguments a <c>params object?[]</c> really received. C# passes a <c>string[]</c> (any array of a reference
    /// type) as the params array itself, so <c>Emit("e", names)</c> would send each name as its own argument; an
    /// array that is not exactly <c>object[]</c> is one argument. A null array is one null argument.
    /// </summary>
    public static object?[] Arguments(object?[]? args) => args is null ? [null] : args.GetType() == typeof(object[]) ? args : [args];

    public static SocketIOPacket CreateEvent(SocketIONamespace ns, string eventName, object?[]? args, long? ackId) =>
        SocketIOPayloadWriter.CreateEvent(ns.Name, eventName, Arguments(args), ackId, ns.Server.Options.JsonSerializerOptions);
}
