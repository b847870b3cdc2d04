using Typed.SocketIO.Contracts.Internal;

namespace Typed.SocketIO;

/// <summary>Typed contracts on any socket that implements the glue interfaces (client or server).</summary>
public static class SocketContractExtensions
{
    /// <summary>
    /// An object implementing <typeparamref name="TContract"/> whose calls emit the contract's events to
    /// <paramref name="peer"/> (IHubProxy-style): <c>Task</c> methods emit, <c>Task&lt;T&gt;</c> methods await the ack.
    /// </summary>
    public static TContract CreateProxy<TContract>(this ISocketIOPeer peer)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(peer);
        return SocketContracts.Get<TContract>().CreateProxy(peer);
    }

    /// <summary>
    /// Handles every event of <typeparamref name="TContract"/> arriving on <paramref name="source"/> with
    /// <paramref name="handler"/>'s methods; a method's result is sent as the acknowledgement. Disposing the result
    /// removes the handlers.
    /// </summary>
    public static IDisposable Register<TContract>(this ISocketIOEventSource source, TContract handler)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(handler);
        return SocketContracts.Get<TContract>().Bind(source, new SingletonHandlerFactory<TContract>(handler));
    }
}
