namespace Typed.SocketIO;

/// <summary>
/// An event received from the peer, on either side: its name, its arguments, and the acknowledgement the peer may
/// have asked for. <see cref="Ack"/> sends only once, as in socket.io.
/// </summary>
public abstract class SocketIOReceivedEvent : ISocketIOEvent
{
    private readonly long? _ackId;
    private int _acknowledged;

    /// <summary>An event named <paramref name="eventName"/> with <paramref name="arguments"/>; <paramref name="ackId"/> is the acknowledgement id the peer asked for, if any.</summary>
    protected SocketIOReceivedEvent(string eventName, SocketIOArguments arguments, long? ackId)
    {
        EventName = eventName;
        Arguments = arguments;
        _ackId = ackId;
    }

    /// <summary>The event name.</summary>
    public string EventName { get; }

    /// <summary>The event's arguments.</summary>
    public SocketIOArguments Arguments { get; }

    /// <summary>Whether the peer asked for an acknowledgement.</summary>
    public bool HasAck => _ackId is not null;

    /// <summary>
    /// Acknowledges the event with <paramref name="args"/>. Only the first call is sent, as in socket.io; without a
    /// requested acknowledgement it does nothing.
    /// </summary>
    public void Ack(params object?[] args)
    {
        if (TryTakeAck(out var id))
        {
            SendAck(id, args);
        }
    }

    /// <summary>
    /// Answers the event with an error acknowledgement (<see cref="Protocol.SocketIOErrorAck"/>), which the caller's
    /// typed proxy or <c>EmitWithAckAsync</c> throws as a <see cref="SocketInvocationException"/>. Like
    /// <see cref="Ack"/>, only the first acknowledgement is sent.
    /// </summary>
    /// <returns>Whether it was sent: false when the peer asked for no acknowledgement or the event was already acknowledged.</returns>
    public bool AckError(SocketIOError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!TryTakeAck(out var id))
        {
            return false;
        }

        SendAck(SocketIOPayloadWriter.CreateAck(Namespace, id, error, static (SocketIOArgumentWriter writer, in SocketIOError e) => Protocol.SocketIOErrorAck.Write(writer.Json, e)));
        return true;
    }

    void ISocketIOEvent.Ack<TState>(in TState state, WriteArgumentsCallback<TState> writeArguments)
    {
        if (TryTakeAck(out var id))
        {
            SendAck(SocketIOPayloadWriter.CreateAck(Namespace, id, state, writeArguments));
        }
    }

    /// <summary>The namespace the acknowledgement goes to.</summary>
    protected abstract string Namespace { get; }

    /// <summary>The JSON settings untyped acknowledgement arguments are written with.</summary>
    protected abstract System.Text.Json.JsonSerializerOptions JsonOptions { get; }

    /// <summary>Writes an acknowledgement packet to the peer, if it is still connected.</summary>
    protected abstract void SendAck(SocketIOPacket packet);

    private void SendAck(long id, object?[] args) =>
        SendAck(SocketIOPayloadWriter.CreateAck(Namespace, id, SocketIOPayloadWriter.NormalizeArguments(args), JsonOptions));

    private bool TryTakeAck(out long id)
    {
        id = _ackId.GetValueOrDefault();
        return _ackId is not null && Interlocked.Exchange(ref _acknowledged, 1) == 0;
    }
}
