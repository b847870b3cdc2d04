namespace Typed.SocketIO.Contracts;

/// <summary>
/// A broadcaster typed by the contract its recipients implement: the generator adds each method of
/// <typeparamref name="TClient"/> to it as an extension method, acknowledgements becoming
/// <c>Task&lt;IReadOnlyList&lt;T&gt;&gt;</c>.
/// </summary>
public interface ISocketIOBroadcaster<TClient> : ISocketIOBroadcaster
    where TClient : class
{
}
