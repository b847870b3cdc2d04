namespace Typed.SocketIO.Client;

/// <summary>An event received from the server, as the client's handlers see it.</summary>
public sealed class SocketIOClientEvent
{
    private readonly long? _ackId;
    private int _acknowledged;

    internal SocketIOClientEvent(SocketIOClientSocket socket, string eventName, SocketIOArguments arguments, long? ackId)
    {
        Socket = socket;
        EventName = eventName;
        Arguments = arguments;
        _ackId = ackId;
    }

    /// <summary>The socket the event arrived on.</summary>
    public SocketIOClientSocket Socket { get; }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The event's arguments; they own their bytes and may be kept.</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>Whether the server asked for an acknowledgement.</summary>
    public bool HasAck => _ackId is not null;

    /// <summary>
    /// Acknowledges the event with <paramref name="args"/>. Only the first call is sent, as in socket.io; without a
    /// requested acknowledgement it does nothing.
    /// </summary>
    public void Ack(params object?[] args)
    {
        if (_ackId is not long id || Interlocked.Exchange(ref _acknowledged, 1) != 0)
        {
            return;
        }

        Socket.SendAck(id, args);
    }
}
