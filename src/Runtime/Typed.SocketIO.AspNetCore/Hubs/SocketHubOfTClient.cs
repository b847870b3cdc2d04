namespace Typed.SocketIO;

/// <summary>A hub whose clients implement <typeparamref name="TClient"/>: typed emits and broadcasts through <see cref="Clients"/>.</summary>
/// <typeparam name="TClient">The <c>[SocketContract]</c> of the events the server sends.</typeparam>
public abstract class SocketHub<TClient> : SocketHub
    where TClient : class
{
    private SocketHubCallerClients<TClient>? _clients;

    /// <summary>Typed targets: <c>Caller</c>, <c>Others</c>, <c>All</c>, <c>Room(..)</c>, <c>Except(..)</c>, <c>Socket(id)</c>.</summary>
    public SocketHubCallerClients<TClient> Clients => _clients ??= new SocketHubCallerClients<TClient>(Socket);
}
