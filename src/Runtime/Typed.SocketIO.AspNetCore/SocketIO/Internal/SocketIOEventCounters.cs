namespace Typed.SocketIO.Internal;

/// <summary>
/// Counts of events the server did not serve, over its lifetime, for the telemetry to expose: each is counted even
/// when its log entry was held back by <see cref="ClientErrorLogLimiter"/>.
/// </summary>
internal sealed class SocketIOEventCounters
{
    private long _unknownEvents;
    private long _bindingErrors;
    private long _handlerErrors;

    /// <summary>Events that found no handler and no catch-all handler.</summary>
    public long UnknownEvents => Volatile.Read(ref _unknownEvents);

    /// <summary>Events whose arguments did not bind to the handler's parameters.</summary>
    public long BindingErrors => Volatile.Read(ref _bindingErrors);

    /// <summary>Events whose handler (or packet middleware) threw.</summary>
    public long HandlerErrors => Volatile.Read(ref _handlerErrors);

    public void UnknownEvent() => Interlocked.Increment(ref _unknownEvents);

    public void BindingError() => Interlocked.Increment(ref _bindingErrors);

    public void HandlerError() => Interlocked.Increment(ref _handlerErrors);
}
