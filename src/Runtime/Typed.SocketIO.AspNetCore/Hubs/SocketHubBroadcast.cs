using System.Text.Json;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO;

/// <summary>
/// A typed broadcast: narrow it with <see cref="Room"/>/<see cref="Except"/>/<see cref="Timeout"/>, then call a method
/// of <typeparamref name="TClient"/> on it (generated extension methods). Each call returns a new object.
/// </summary>
public sealed class SocketHubBroadcast<TClient> : ISocketIOBroadcaster<TClient>
    where TClient : class
{
    private readonly SocketIOBroadcastOperator _operator;

    internal SocketHubBroadcast(SocketIOBroadcastOperator broadcastOperator) => _operator = broadcastOperator;

    /// <summary>The untyped operator underneath, for what the typed one does not cover.</summary>
    public SocketIOBroadcastOperator Operator => _operator;

    /// <summary>Also reaches the sockets in <paramref name="room"/>.</summary>
    public SocketHubBroadcast<TClient> Room(string room) => new(_operator.To(room));

    /// <summary>Leaves out the sockets in <paramref name="room"/> (or the socket with that id).</summary>
    public SocketHubBroadcast<TClient> Except(string room) => new(_operator.Except(room));

    /// <summary>How long acknowledgements are awaited (default <see cref="SocketIOOptions.DefaultAckTimeout"/>).</summary>
    public SocketHubBroadcast<TClient> Timeout(TimeSpan timeout) => new(_operator.Timeout(timeout));

    /// <summary>Drops the packet for recipients that cannot take it now.</summary>
    public SocketHubBroadcast<TClient> Volatile => new(_operator.Volatile);

    /// <summary>Reaches this server's sockets only.</summary>
    public SocketHubBroadcast<TClient> Local => new(_operator.Local);

    JsonSerializerOptions ISocketIOEmitter.JsonSerializerOptions => ((ISocketIOEmitter)_operator).JsonSerializerOptions;

    ValueTask ISocketIOEmitter.EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments) =>
        ((ISocketIOBroadcaster)_operator).EmitAsync(eventName, state, writeArguments);

    Task<IReadOnlyList<SocketIOArguments>> ISocketIOBroadcaster.EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, CancellationToken cancellationToken) =>
        ((ISocketIOBroadcaster)_operator).EmitWithAckAsync(eventName, state, writeArguments, cancellationToken);
}
