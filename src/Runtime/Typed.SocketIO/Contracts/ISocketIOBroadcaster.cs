namespace Typed.SocketIO.Contracts;

/// <summary>Many peers at once (a server broadcast): an emit gets one acknowledgement per recipient.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketIOBroadcaster : ISocketIOEmitter
{
    /// <summary>
    /// Emits to every recipient and completes with their acknowledgements, in arrival order; fails with a
    /// <see cref="TimeoutException"/> when not all arrive within the broadcaster's timeout.
    /// </summary>
    Task<IReadOnlyList<SocketIOArguments>> EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, CancellationToken cancellationToken);
}
