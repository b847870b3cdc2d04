using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO.Hubs.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps typed hubs onto Socket.IO namespaces.</summary>
public static class SocketHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves namespace <paramref name="ns"/> with <typeparamref name="THub"/>: every event of every contract the hub
    /// implements lands on its method (one hub per event, from a DI scope), and its result is the acknowledgement.
    /// <c>MapSocketIO()</c> still maps the transport endpoint, before or after: the application fails to start when it is
    /// missing, saying so.
    /// </summary>
    /// <returns>The namespace, for connection middleware (<c>.Use(…)</c>).</returns>
    public static SocketIONamespace MapSocketHub<THub>(this IEndpointRouteBuilder endpoints, string ns)
        where THub : SocketHub
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var server = services.GetService<SocketIOServer>()
            ?? throw new InvalidOperationException("Call builder.Services.AddSocketIO() before app.MapSocketHub<THub>().");
        var descriptor = SocketHubs.Get<THub>();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var target = server.Of(ns);
        services.GetRequiredService<SocketHubMappings>().Add(typeof(THub), target);
        services.GetService<SocketIOStartupCheck>()?.HubMapped($"MapSocketHub<{typeof(THub).Name}>(\"{ns}\")");
        target.OnConnection(async socket =>
        {
            var factory = new HubHandlerFactory<THub>(descriptor, scopes, socket);

            // The handlers live as long as the socket: its handler table goes away with it.
            descriptor.Bind(socket, factory);
            socket.Disconnected += (left, reason) => _ = OnDisconnectedAsync(factory, left, reason);
            var hub = factory.Create();
            try
            {
                await hub.OnConnectedAsync().ConfigureAwait(false);
            }
            finally
            {
                await factory.ReleaseAsync(hub).ConfigureAwait(false);
            }
        });
        return target;
    }

    private static async Task OnDisconnectedAsync<THub>(HubHandlerFactory<THub> factory, SocketIOSocket socket, SocketIODisconnectReason reason)
        where THub : SocketHub
    {
        try
        {
            var hub = factory.Create();
            try
            {
                await hub.OnDisconnectedAsync(reason).ConfigureAwait(false);
            }
            finally
            {
                await factory.ReleaseAsync(hub).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            SocketIOLog.HandlerFailed(socket.Logger, ex, "OnDisconnectedAsync", socket.Id);
        }
    }
}
