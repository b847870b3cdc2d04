namespace Typed.SocketIO.Client;

/// <summary>An event received from the server, as the client's handlers see it. Its arguments own their bytes.</summary>
public sealed class SocketIOClientEvent : SocketIOReceivedEvent
{
    internal SocketIOClientEvent(SocketIOClientSocket socket, string eventName, SocketIOArguments arguments, long? ackId)
        : base(eventName, arguments, ackId)
    {
        Socket = socket;
    }

    /// <summary>The socket the event arrived on.</summary>
    public SocketIOClientSocket Socket { get; }

    /// <inheritdoc />
    protected override string Namespace => Socket.Namespace;

    /// <inheritdoc />
    protected override System.Text.Json.JsonSerializerOptions JsonOptions => Socket.JsonOptions;

    /// <inheritdoc />
    protected override void SendAck(SocketIOPacket packet) => Socket.SendAck(packet);
}
