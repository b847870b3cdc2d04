using Typed.SocketIO.Contracts;

namespace Typed.SocketIO;

/// <summary>The targets a hub sees: those of its namespace plus the calling socket.</summary>
public sealed class SocketHubCallerClients<TClient> : SocketHubClients<TClient>
    where TClient : class
{
    private readonly SocketIOSocket _caller;

    internal SocketHubCallerClients(SocketIOSocket caller)
        : base(caller.Namespace) => _caller = caller;

    /// <summary>The socket whose event is being handled.</summary>
    public TClient Caller => SocketContracts.Get<TClient>().CreateProxy(_caller);

    /// <summary>Every socket of the namespace except the caller (<c>socket.broadcast</c>).</summary>
    public SocketHubBroadcast<TClient> Others => new(_caller.Broadcast);
}
