using Typed.SocketIO.Contracts;

namespace Typed.SocketIO;

/// <summary>An event received from a client, as its handlers and packet middleware see it.</summary>
public sealed class SocketIOEventContext : ISocketIOEvent
{
    private readonly long? _ackId;
    private int _acknowledged;

    internal SocketIOEventContext(SocketIOSocket socket, string eventName, SocketIOArguments arguments, long? ackId)
    {
        Socket = socket;
        EventName = eventName;
        Arguments = arguments;
        _ackId = ackId;
    }

    /// <summary>The socket the event came from.</summary>
    public SocketIOSocket Socket { get; }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The event's arguments (valid while the handlers run).</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>Whether the client asked for an acknowledgement.</summary>
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

    void ISocketIOEvent.Ack<TState>(in TState state, SocketIOArgumentsWriter<TState> writeArguments)
    {
        if (_ackId is not long id || Interlocked.Exchange(ref _acknowledged, 1) != 0)
        {
            return;
        }

        Socket.SendAck(id, state, writeArguments);
    }
}
