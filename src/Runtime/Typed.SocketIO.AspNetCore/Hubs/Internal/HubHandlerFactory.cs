using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.Hubs.Internal;

/// <summary>One hub per event, from its own DI scope (transient, as SignalR's hubs); the scope ends with the event.</summary>
internal sealed class HubHandlerFactory<THub>(SocketHubDescriptor<THub> descriptor, IServiceScopeFactory scopes, SocketIOSocket socket) : ISocketHandlerFactory<THub>
    where THub : SocketHub
{
    public THub Create()
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var hub = descriptor.Create(scope.ServiceProvider);
            hub.Initialize(socket, scope);
            return hub;
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public async ValueTask ReleaseAsync(THub hub)
    {
        // The hub was created by us, not by the container, so we dispose it before its scope.
        if (hub is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        }
        else if (hub is IDisposable disposable)
        {
            disposable.Dispose();
        }

        await hub.ReleaseScopeAsync().ConfigureAwait(false);
    }
}
