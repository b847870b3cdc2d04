using System.Text.Json;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Something typed events can be emitted to: a client socket, a server socket, a server broadcast. Generated proxies
/// call it; applications use the proxies.
/// </summary>
public interface ISocketIOEmitter
{
    /// <summary>
    /// Resolves the <c>JsonTypeInfo</c> of argument types for contracts that name no <c>JsonContext</c>
    /// (what <c>UseJson(context)</c> configured).
    /// </summary>
    JsonSerializerOptions JsonSerializerOptions { get; }

    /// <summary>Emits <paramref name="eventName"/> with the arguments <paramref name="writeArguments"/> writes from <paramref name="state"/>, asking no acknowledgement.</summary>
    /// <exception cref="ArgumentException">The name is reserved (connect, disconnect…).</exception>
    ValueTask EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments);
}

/// <summary>One peer (a client's socket, or one server-side socket): an emit gets one acknowledgement.</summary>
public interface ISocketIOPeer : ISocketIOEmitter
{
    /// <summary>
    /// Emits <paramref name="eventName"/> asking for an acknowledgement and completes with its arguments. Fails with
    /// a <see cref="TimeoutException"/> after <paramref name="timeout"/> (null: the socket's default), when the
    /// socket disconnects first, or is cancelled by <paramref name="cancellationToken"/>.
    /// </summary>
    Task<SocketIOArguments> EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, TimeSpan? timeout, CancellationToken cancellationToken);
}

/// <summary>Many peers at once (a server broadcast): an emit gets one acknowledgement per recipient.</summary>
public interface ISocketIOBroadcaster : ISocketIOEmitter
{
    /// <summary>
    /// Emits to every recipient and completes with their acknowledgements, in arrival order; fails with a
    /// <see cref="TimeoutException"/> when not all arrive within the broadcaster's timeout.
    /// </summary>
    Task<IReadOnlyList<SocketIOArguments>> EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, CancellationToken cancellationToken);
}

/// <summary>
/// A broadcaster typed by the contract its recipients implement: the generator adds each method of
/// <typeparamref name="TClient"/> to it as an extension method, acknowledgements becoming
/// <c>Task&lt;IReadOnlyList&lt;T&gt;&gt;</c>.
/// </summary>
public interface ISocketIOBroadcaster<TClient> : ISocketIOBroadcaster
    where TClient : class
{
}
