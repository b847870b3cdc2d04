namespace Typed.SocketIO.Contracts;

/// <summary>An event received by an <see cref="ISocketIOEventSource"/>.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketIOEvent
{
    /// <summary>The event name.</summary>
    string EventName { get; }

    /// <summary>The arguments, read lazily (valid while the handler runs).</summary>
    SocketIOArguments Arguments { get; }

    /// <summary>Whether the sender asked for an acknowledgement.</summary>
    bool HasAck { get; }

    /// <summary>
    /// Acknowledges with the arguments <paramref name="writeArguments"/> writes. Only the first call is sent; without
    /// a requested acknowledgement it does nothing.
    /// </summary>
    void Ack<TState>(in TState state, WriteArgumentsCallback<TState> writeArguments);
}
