namespace Typed.SocketIO;

/// <summary>The codes Typed writes in error acknowledgements (<see cref="SocketIOError.Code"/>).</summary>
public static class SocketIOErrorCodes
{
    /// <summary>The handler threw.</summary>
    public const string HandlerError = "handler_error";

    /// <summary>The arguments did not bind to the handler's parameters (missing, null, wrong kind, out of range).</summary>
    public const string BindingError = "binding_error";

    /// <summary>Authorization refused the event.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>No handler is registered for the event.</summary>
    public const string UnknownEvent = "unknown_event";

    /// <summary>The producer of a stream stopped it (its own cancellation); docs/streaming.md.</summary>
    public const string StreamCancelled = "stream_cancelled";
}
