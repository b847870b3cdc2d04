using System.Text.Json;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO;

// The glue generated contract code targets: typed arguments are written straight into the packet, never boxed into
// an object[]. Explicit, so the untyped API of the socket stays as it was.
public sealed partial class SocketIOSocket : ISocketIOStreamPeer
{
    // Cancelled when the socket leaves its namespace: streams on it end (docs/streaming.md).
    private readonly CancellationTokenSource _closed = new();

    // A hub's stream iterator threw after its handler returned, so the handler's log line (106) cannot cover it.
    void ISocketIOStreamPeer.ReportStreamFailure(string eventName, Exception exception) => SocketIOLog.StreamProducerFailed(Logger, exception, eventName, Id);

    CancellationToken ISocketIOStreamPeer.ConnectionClosed => _closed.Token;

    int ISocketIOStreamPeer.StreamWindow => Namespace.Server.Options.StreamWindow;

    JsonSerializerOptions ISocketIOEmitter.JsonSerializerOptions => Namespace.Server.Options.JsonSerializerOptions;

    JsonSerializerOptions ISocketIOEventSource.JsonSerializerOptions => Namespace.Server.Options.JsonSerializerOptions;

    ValueTask ISocketIOEmitter.EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments)
    {
        var packet = SocketIOPayloadWriter.CreateEvent(Namespace.Name, eventName, state, writeArguments, ackId: null);
        NotifyOutgoing(packet);
        WriteEvent(packet);
        return ValueTask.CompletedTask;
    }

    Task<SocketIOArguments> ISocketIOPeer.EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // Encoded before the ack is registered: a reserved name or a serialization error leaves no pending entry.
        var id = Namespace.NextAckId();
        var packet = SocketIOPayloadWriter.CreateEvent(Namespace.Name, eventName, state, writeArguments, id);
        if (RegisterAck(id, eventName, timeout, cancellationToken) is not { } pending)
        {
            return FailedAck();
        }

        NotifyOutgoing(packet);
        WritePacket(packet, isVolatile: false);
        return pending.Task;
    }

    IDisposable ISocketIOEventSource.On(string eventName, Func<ISocketIOEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventName, handler.Invoke);
    }

    // Not disposed: a stream may still read the token after the socket closed, and the source holds no timer.
    // Cancelled off this thread: the callbacks end streams, and must not run application code inside the close.
    private void CancelStreams() => _ = _closed.CancelAsync();

    private void NotifyOutgoing(SocketIOPacket packet) =>
        _handlers.NotifyOutgoing(packet, ex => SocketIOLog.HandlerFailed(Logger, ex, "OnAnyOutgoing", Id));
}
