namespace Typed.SocketIO;

/// <summary>An event received from a client, as its handlers and packet middleware see it.</summary>
public sealed class SocketIOEventContext : SocketIOReceivedEvent
{
    internal SocketIOEventContext(SocketIOSocket socket, string eventName, SocketIOArguments arguments, long? ackId)
        : base(eventName, arguments, ackId)
    {
        Socket = socket;
    }

    /// <summary>The socket the event came from.</summary>
    public SocketIOSocket Socket { get; }

    /// <inheritdoc />
    protected override string Namespace => Socket.Namespace.Name;

    /// <inheritdoc />
    protected override System.Text.Json.JsonSerializerOptions JsonOptions => Socket.Namespace.Server.Options.JsonSerializerOptions;

    /// <inheritdoc />
    protected override void SendAck(SocketIOPacket packet) => Socket.SendAck(packet);
}
