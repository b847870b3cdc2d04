namespace Typed.SocketIO;

/// <summary>An acknowledgement did not arrive in time ("operation has timed out").</summary>
public sealed class SocketIOAckTimeoutException : TimeoutException
{
    /// <summary>A timeout of a single emit.</summary>
    public SocketIOAckTimeoutException()
        : base("operation has timed out")
    {
        Responses = [];
    }

    /// <summary>A broadcast whose recipients did not all answer; <paramref name="responses"/> holds those that did.</summary>
    public SocketIOAckTimeoutException(IReadOnlyList<SocketIOArguments> responses)
        : base("operation has timed out")
    {
        Responses = responses;
    }

    /// <summary>For a broadcast, the acknowledgements that did arrive.</summary>
    public IReadOnlyList<SocketIOArguments> Responses { get; }
}
