namespace Typed.SocketIO;

/// <summary>
/// The peer answered an emit with an error acknowledgement (<see cref="Protocol.SocketIOErrorAck"/>): its handler
/// threw, the arguments did not bind to its parameters, or it refused the event. Thrown where the caller awaits the
/// acknowledgement — a typed proxy method or <c>EmitWithAckAsync</c> — at once, instead of a timeout.
/// </summary>
public sealed class SocketInvocationException : Exception
{
    /// <summary>An error acknowledgement received for <paramref name="eventName"/>.</summary>
    public SocketInvocationException(string eventName, SocketIOError error)
        : base($"The peer failed to handle \"{eventName}\": {error.Message}")
    {
        ArgumentNullException.ThrowIfNull(eventName);
        EventName = eventName;
        Error = error;
    }

    /// <summary>The event the failed call emitted.</summary>
    public string EventName { get; }

    /// <summary>What the peer sent: its code, message and, for binding errors, the parameter.</summary>
    public SocketIOError Error { get; }
}
