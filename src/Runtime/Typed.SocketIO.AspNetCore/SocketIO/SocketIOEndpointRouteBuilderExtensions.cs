using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the Socket.IO endpoint.</summary>
public static class SocketIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves Socket.IO (Engine.IO v4, Socket.IO v5) at <paramref name="path"/> with the <see cref="SocketIOServer"/>
    /// registered by <c>AddSocketIO</c>. Configure namespaces on the server: <c>io.Of("/chat").OnConnection(…)</c>.
    /// Required: without it no client can connect, so a start with hubs mapped (<c>MapSocketHub</c>) but no
    /// <c>MapSocketIO()</c> fails, and one with nothing mapped logs a warning.
    /// </summary>
    /// <returns>The endpoint's convention builder (for <c>RequireCors</c>, authorization…).</returns>
    public static IEndpointConventionBuilder MapSocketIO(this IEndpointRouteBuilder endpoints, string path = "/socket.io")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var server = endpoints.ServiceProvider.GetService<SocketIOServer>()
            ?? throw new InvalidOperationException("Call builder.Services.AddSocketIO() before app.MapSocketIO().");
        endpoints.ServiceProvider.GetService<SocketIOStartupCheck>()?.EndpointMapped();
        var builder = EngineIOEndpointRouteBuilderExtensions.MapEngineIOCore(endpoints, path, new SocketIOEngineHandler(server), server.Options.EngineIO.Clone());

        // Registered after the Engine.IO endpoint's own, so it runs first (cancellation callbacks run last-in first-out)
        // and sockets learn the real reason: "server shutting down".
        endpoints.ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(server.CloseAll);
        return builder;
    }
}
