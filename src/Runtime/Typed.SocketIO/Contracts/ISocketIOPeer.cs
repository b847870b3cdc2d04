namespace Typed.SocketIO.Contracts;

/// <summary>One peer (a client's socket, or one server-side socket): an emit gets one acknowledgement.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketIOPeer : ISocketIOEmitter
{
    /// <summary>
    /// Emits <paramref name="eventName"/> asking for an acknowledgement and completes with its arguments. Fails with
    /// a <see cref="TimeoutException"/> after <paramref name="timeout"/> (null: the socket's default), when the
    /// socket disconnects first, or is cancelled by <paramref name="cancellationToken"/>.
    /// </summary>
    Task<SocketIOArguments> EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, TimeSpan? timeout, CancellationToken cancellationToken);
}
