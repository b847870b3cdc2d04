namespace Typed.SocketIO;

/// <summary>
/// A hub's typed clients from outside the hub (controllers, background services), from DI like SignalR's
/// <c>IHubContext&lt;THub, T&gt;</c>. The hub must have been mapped with <c>MapSocketHub&lt;THub&gt;</c>.
/// </summary>
public interface ISocketHubContext<THub, TClient>
    where THub : SocketHub<TClient>
    where TClient : class
{
    /// <summary>The hub's namespace.</summary>
    SocketIONamespace Namespace { get; }

    /// <summary>Typed targets in the hub's namespace: <c>All</c>, <c>Room(..)</c>, <c>Except(..)</c>, <c>Socket(id)</c>.</summary>
    SocketHubClients<TClient> Clients { get; }
}
