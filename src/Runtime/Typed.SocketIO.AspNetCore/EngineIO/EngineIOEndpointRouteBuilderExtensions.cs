using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Typed.EngineIO;
using Typed.EngineIO.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Engine.IO endpoints.</summary>
public static class EngineIOEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves Engine.IO v4 at <paramref name="path"/> (and everything below it, as the reference matches by prefix),
    /// handing every session to <paramref name="handler"/>. Add CORS with ASP.NET Core's CORS
    /// (<c>app.UseCors()</c> or <c>.RequireCors(…)</c> on the returned builder).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="path">The endpoint path, e.g. <c>/engine.io</c>.</param>
    /// <param name="handler">Receives the sessions' events.</param>
    /// <param name="configure">Refines, for this endpoint, the options set by <c>AddEngineIO</c>.</param>
    public static IEndpointConventionBuilder MapEngineIO(this IEndpointRouteBuilder endpoints, string path, EngineIOHandler handler, Action<EngineIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(handler);

        var options = (endpoints.ServiceProvider.GetService<IOptions<EngineIOOptions>>()?.Value ?? new EngineIOOptions()).Clone();
        configure?.Invoke(options);
        return MapEngineIOCore(endpoints, path, handler, options);
    }

    /// <summary>Maps an Engine.IO endpoint with these exact options (the Socket.IO endpoint brings its own).</summary>
    internal static IEndpointConventionBuilder MapEngineIOCore(IEndpointRouteBuilder endpoints, string path, EngineIOHandler handler, EngineIOOptions options)
    {
        Validate(options);
        var services = endpoints.ServiceProvider;
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Typed.EngineIO") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var server = new EngineIOServer(options, handler, logger);
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(server.CloseAll);

        // WebSocket support comes with the endpoint, as SignalR does, so the app needs no UseWebSockets() of its own.
        var pipeline = endpoints.CreateApplicationBuilder();
        pipeline.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        pipeline.Run(server.HandleRequestAsync);
        var requestDelegate = pipeline.Build();

        var pattern = path.TrimEnd('/') + "/{**engineIOPath}";
        // The server rides along as metadata so diagnostics (and the soak test) can read its counters.
        return endpoints.Map(pattern, requestDelegate).WithDisplayName("Engine.IO " + path).WithMetadata(server);
    }

    /// <summary>Serves Engine.IO at <paramref name="path"/> with a handler created from the application's services.</summary>
    public static IEndpointConventionBuilder MapEngineIO<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(
        this IEndpointRouteBuilder endpoints, string path, Action<EngineIOOptions>? configure = null)
        where THandler : EngineIOHandler
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = ActivatorUtilities.CreateInstance<THandler>(endpoints.ServiceProvider);
        return endpoints.MapEngineIO(path, handler, configure);
    }

    private static void Validate(EngineIOOptions options)
    {
        if (options.PingInterval <= TimeSpan.Zero || options.PingTimeout <= TimeSpan.Zero || options.UpgradeTimeout <= TimeSpan.Zero)
        {
            throw new OptionsValidationException(nameof(EngineIOOptions), typeof(EngineIOOptions), ["PingInterval, PingTimeout and UpgradeTimeout must be positive."]);
        }

        if (options.MaxHttpBufferSize is <= 0 or > int.MaxValue - 1)
        {
            throw new OptionsValidationException(nameof(EngineIOOptions), typeof(EngineIOOptions), ["MaxHttpBufferSize must be between 1 and 2^31-2 bytes."]);
        }

        if ((options.Transports & EngineIOTransports.All) == 0)
        {
            throw new OptionsValidationException(nameof(EngineIOOptions), typeof(EngineIOOptions), ["At least one transport must be enabled."]);
        }

        if (options.MaxPacketsPerPayload < 1 || options.MaxEmptyFragmentsPerMessage < 0)
        {
            throw new OptionsValidationException(nameof(EngineIOOptions), typeof(EngineIOOptions), ["MaxPacketsPerPayload must be positive and MaxEmptyFragmentsPerMessage not negative."]);
        }

        if (options.PerMessageDeflateThreshold < 0 || options.HttpCompressionThreshold < 0)
        {
            throw new OptionsValidationException(nameof(EngineIOOptions), typeof(EngineIOOptions), ["PerMessageDeflateThreshold and HttpCompressionThreshold must not be negative."]);
        }
    }
}
