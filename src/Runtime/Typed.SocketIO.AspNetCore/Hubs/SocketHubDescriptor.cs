using Typed.SocketIO.Contracts;

namespace Typed.SocketIO;

/// <summary>
/// What the generator emits for one hub: a factory calling its constructor with services from DI (no reflection), and
/// a binder registering every contract the hub implements. Registered by a generated module initializer.
/// </summary>
public sealed class SocketHubDescriptor<THub>
    where THub : SocketHub
{
    /// <summary>Creates the descriptor (generated code).</summary>
    public SocketHubDescriptor(Func<IServiceProvider, THub> create, Func<ISocketIOEventSource, ISocketHandlerFactory<THub>, IDisposable> bind)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(bind);
        Create = create;
        Bind = bind;
    }

    /// <summary>Creates the descriptor of a hub that carries authorization attributes (generated code).</summary>
    public SocketHubDescriptor(Func<IServiceProvider, THub> create, Func<ISocketIOEventSource, ISocketHandlerFactory<THub>, IDisposable> bind, SocketHubAuthorization authorization)
        : this(create, bind)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        Authorization = authorization;
    }

    /// <summary>Creates a hub with its constructor dependencies from <c>IServiceProvider</c>.</summary>
    public Func<IServiceProvider, THub> Create { get; }

    /// <summary>Registers the hub's contract methods as handlers.</summary>
    public Func<ISocketIOEventSource, ISocketHandlerFactory<THub>, IDisposable> Bind { get; }

    /// <summary>The hub's <c>[Authorize]</c>/<c>[AllowAnonymous]</c> attributes; null when it has none.</summary>
    public SocketHubAuthorization? Authorization { get; }
}
