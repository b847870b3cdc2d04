namespace Typed.SocketIO;

/// <summary>Per-socket emit flags: socket.io's <c>socket.volatile</c> and <c>socket.timeout(ms)</c>.</summary>
public sealed partial class SocketIOSocket
{
    /// <summary>A volatile emit to this socket: dropped when its transport cannot take it now (socket.io's <c>socket.volatile</c>).</summary>
    public SocketIOSocketOperator Volatile => new(this, isVolatile: true, timeout: null);

    /// <summary>An emit to this socket whose acknowledgement is awaited for at most <paramref name="timeout"/> (socket.io's <c>socket.timeout(ms)</c>).</summary>
    public SocketIOSocketOperator Timeout(TimeSpan timeout) => new SocketIOSocketOperator(this, isVolatile: false, timeout: null).Timeout(timeout);

    internal void EmitWith(string eventName, object?[] args, bool isVolatile)
    {
        SocketIOEmitter.ValidateEventName(eventName);
        args = SocketIOEmitter.Arguments(args);
        NotifyOutgoing(eventName, args);
        WritePacket(SocketIOEmitter.CreateEvent(Namespace, eventName, args, ackId: null), isVolatile);
    }

    internal Task<SocketIOArguments> EmitWithAckCore(string eventName, object?[] args, TimeSpan? timeout, bool isVolatile, CancellationToken cancellationToken)
    {
        SocketIOEmitter.ValidateEventName(eventName);
        args = SocketIOEmitter.Arguments(args);
        var id = Namespace.NextAckId();
        if (RegisterAck(id, eventName, timeout, cancellationToken) is not { } pending)
        {
            return FailedAck();
        }

        NotifyOutgoing(eventName, args);
        WritePacket(SocketIOEmitter.CreateEvent(Namespace, eventName, args, id), isVolatile);
        return pending.Task;
    }
}
