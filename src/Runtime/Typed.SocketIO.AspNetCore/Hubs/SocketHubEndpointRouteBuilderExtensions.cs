using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Typed.SocketIO.Hubs.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps typed hubs onto Socket.IO namespaces.</summary>
public static class SocketHubEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves namespace <paramref name="ns"/> with <typeparamref name="THub"/>: every event of every contract the hub
    /// implements lands on its method (one hub per event, from a DI scope), and its result is the acknowledgement.
    /// <c>MapSocketIO()</c> still maps the transport endpoint, before or after: the application fails to start when it is
    /// missing, saying so. The hub's <c>[Authorize]</c> attributes are checked when a socket connects, its methods'
    /// per event (see docs/authorization.md).
    /// </summary>
    /// <returns>The namespace, for connection middleware (<c>.Use(…)</c>).</returns>
    public static SocketIONamespace MapSocketHub<THub>(this IEndpointRouteBuilder endpoints, string ns)
        where THub : SocketHub => endpoints.MapSocketHub<THub>(ns, configure: null);

    /// <summary>
    /// Serves namespace <paramref name="ns"/> with <typeparamref name="THub"/>, with this hub's own filters added by
    /// <paramref name="configure"/> (after the global ones of <c>services.Configure&lt;SocketHubOptions&gt;</c>).
    /// </summary>
    /// <returns>The namespace, for connection middleware (<c>.Use(…)</c>).</returns>
    public static SocketIONamespace MapSocketHub<THub>(this IEndpointRouteBuilder endpoints, string ns, Action<SocketHubOptions>? configure)
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

        var own = new SocketHubOptions();
        configure?.Invoke(own);
        var global = services.GetService<IOptions<SocketHubOptions>>()?.Value.Filters ?? [];
        ISocketHubFilter[] filters = [.. global.Concat(own.Filters).Select(create => create(services))];
        var pipeline = new SocketHubPipeline(typeof(THub), services, descriptor.Authorization, filters);

        // The hub class's [Authorize] runs as the first connection middleware, before any the application adds.
        if (pipeline.Connect is { } connect)
        {
            target.RequireAuthorization(connect);
        }

        target.OnConnection(async socket =>
        {
            var factory = new HubHandlerFactory<THub>(descriptor, scopes, socket);

            // The handlers live as long as the socket: its handler table goes away with it.
            descriptor.Bind(pipeline.WrapsEvents ? new HubEventSource(socket, pipeline) : socket, factory);
            socket.Disconnected += (left, reason) => _ = OnDisconnectedAsync(factory, pipeline, left, reason);
            await pipeline.OnConnectedAsync(socket, async () =>
            {
                var hub = factory.Create();
                try
                {
                    await hub.OnConnectedAsync().ConfigureAwait(false);
                }
                finally
                {
                    await factory.ReleaseAsync(hub).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        });
        return target;
    }

    private static async Task OnDisconnectedAsync<THub>(HubHandlerFactory<THub> factory, SocketHubPipeline pipeline, SocketIOSocket socket, SocketIODisconnectReason reason)
        where THub : SocketHub
    {
        try
        {
            await pipeline.OnDisconnectedAsync(socket, reason, async finalReason =>
            {
                var hub = factory.Create();
                try
                {
                    await hub.OnDisconnectedAsync(finalReason).ConfigureAwait(false);
                }
                finally
                {
                    await factory.ReleaseAsync(hub).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SocketIOLog.HandlerFailed(socket.Logger, ex, "OnDisconnectedAsync", socket.Id);
        }
    }
}
