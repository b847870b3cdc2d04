namespace Typed.SocketIO.Hubs.Internal;

/// <summary>Resolves the hub's namespace on first use, so the context may be injected before the hub is mapped.</summary>
internal sealed class SocketHubContext<THub, TClient>(SocketHubMappings mappings) : ISocketHubContext<THub, TClient>
    where THub : SocketHub<TClient>
    where TClient : class
{
    private SocketHubClients<TClient>? _clients;

    public SocketIONamespace Namespace => Clients.Namespace;

    public SocketHubClients<TClient> Clients => _clients ??= new SocketHubClients<TClient>(mappings.Get(typeof(THub)));
}
