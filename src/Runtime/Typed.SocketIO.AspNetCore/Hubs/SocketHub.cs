using Microsoft.Extensions.DependencyInjection;

namespace Typed.SocketIO;

/// <summary>
/// A class whose methods handle a namespace's events: derive from <see cref="SocketHub{TClient}"/>, implement one or
/// more <c>[SocketContract]</c> interfaces, and map it with <c>app.MapSocketHub&lt;THub&gt;("/ns")</c>.
/// </summary>
/// <remarks>
/// As in SignalR, a hub is transient: one instance per event (and one for each of <see cref="OnConnectedAsync"/> and
/// <see cref="OnDisconnectedAsync"/>), created with its constructor dependencies from a fresh DI scope by generated
/// code, then disposed with that scope. Keep per-connection state in <see cref="SocketIOSocket.Data"/> or a service.
/// </remarks>
public abstract class SocketHub
{
    private SocketIOSocket? _socket;
    private AsyncServiceScope? _scope;

    /// <summary>The socket whose event is being handled.</summary>
    public SocketIOSocket Socket => _socket ?? throw new InvalidOperationException("The hub is used outside an event: Socket is set once the hub handles one.");

    /// <summary>The services of the current event's DI scope.</summary>
    public IServiceProvider Services { get; private set; } = EmptyServices.Instance;

    /// <summary>Runs once per socket, after it connected and before any of its events.</summary>
    public virtual Task OnConnectedAsync() => Task.CompletedTask;

    /// <summary>Runs once per socket, after it left the namespace (its rooms are gone).</summary>
    public virtual Task OnDisconnectedAsync(SocketIODisconnectReason reason) => Task.CompletedTask;

    internal void Initialize(SocketIOSocket socket, AsyncServiceScope scope)
    {
        _socket = socket;
        _scope = scope;
        Services = scope.ServiceProvider;
    }

    internal ValueTask ReleaseScopeAsync()
    {
        var scope = _scope;
        _scope = null;
        return scope?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
