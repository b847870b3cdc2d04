using Typed.EngineIO;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Engine.IO server.</summary>
public static class EngineIOServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Engine.IO server's services. <paramref name="configure"/> sets the defaults of every endpoint mapped
    /// with <c>MapEngineIO</c>; an endpoint can refine them in its own call.
    /// </summary>
    public static IServiceCollection AddEngineIO(this IServiceCollection services, Action<EngineIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EngineIOOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }
}
