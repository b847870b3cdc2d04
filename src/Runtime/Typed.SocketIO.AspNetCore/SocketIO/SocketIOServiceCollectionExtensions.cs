using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Typed.SocketIO.Hubs.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Socket.IO server.</summary>
public static class SocketIOServiceCollectionExtensions
{
    /// <summary>Adds the Socket.IO server (<see cref="SocketIOServer"/>, a singleton) configured by <paramref name="configure"/>.</summary>
    public static IServiceCollection AddSocketIO(this IServiceCollection services, Action<SocketIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SocketIOOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // Built here rather than by constructor selection: the instruments come from the host's IMeterFactory
        // (registered by every ASP.NET Core host) without a public constructor parameter for them, and the server
        // knows the container (authorization) and the user-id provider, which is replaceable.
        services.TryAddSingleton(static provider => new SocketIOServerMetrics(provider.GetService<IMeterFactory>()));
        services.TryAddSingleton<ISocketIOUserIdProvider>(NameIdentifierUserIdProvider.Instance);
        services.AddSingleton(static provider => new SocketIOServer(
            provider.GetRequiredService<IOptions<SocketIOOptions>>(), provider.GetService<ILoggerFactory>(), provider.GetRequiredService<SocketIOServerMetrics>())
        {
            Services = provider,
            UserIdProvider = provider.GetRequiredService<ISocketIOUserIdProvider>(),
        });
        services.TryAddSingleton<SocketHubMappings>();
        services.TryAddSingleton(typeof(ISocketHubContext<,>), typeof(SocketHubContext<,>));

        // At start-up: a hub mapped without MapSocketIO() fails the start, nothing mapped at all is a warning.
        services.TryAddSingleton<SocketIOStartupCheck>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SocketIOStartupCheck>(static provider => provider.GetRequiredService<SocketIOStartupCheck>()));
        return services;
    }

    /// <summary>
    /// Adds the Socket.IO server with options read from <paramref name="configuration"/> (e.g. the
    /// <c>SocketIO</c> section of appsettings.json), then <paramref name="configure"/>. Keys: <c>Parser</c>
    /// (<c>json</c>|<c>msgpack</c>), <c>ConnectTimeout</c>, <c>PingInterval</c>, <c>PingTimeout</c>,
    /// <c>UpgradeTimeout</c>, <c>DefaultAckTimeout</c> (milliseconds, or a TimeSpan such as <c>00:00:25</c>),
    /// <c>MaxHttpBufferSize</c>, <c>MaxAttachments</c>, <c>MaxDepth</c>, <c>MaxPendingAcksPerSocket</c>,
    /// <c>MaxRoomsPerSocket</c>, <c>MaxChildNamespaces</c>, <c>AllowUpgrades</c>, <c>AllowAnyOrigin</c>,
    /// <c>AllowedOrigins</c> (an array). Read explicitly, without reflection, so it works under NativeAOT.
    /// </summary>
    public static IServiceCollection AddSocketIO(this IServiceCollection services, IConfiguration configuration, Action<SocketIOOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSocketIO(options =>
        {
            Bind(configuration, options);
            configure?.Invoke(options);
        });
    }

    private static void Bind(IConfiguration section, SocketIOOptions options)
    {
        if (section["Parser"] is { } parser)
        {
            options.Parser = parser.ToLowerInvariant() switch
            {
                "json" => SocketIOParser.Json,
                "msgpack" or "messagepack" => SocketIOParser.MessagePack,
                _ => throw new InvalidOperationException($"SocketIO:Parser must be 'json' or 'msgpack', not '{parser}'."),
            };
        }

        var engine = options.EngineIO;
        ReadTime(section, "ConnectTimeout", value => options.ConnectTimeout = value);
        ReadTime(section, "DefaultAckTimeout", value => options.DefaultAckTimeout = value);
        ReadTime(section, "PingInterval", value => engine.PingInterval = value);
        ReadTime(section, "PingTimeout", value => engine.PingTimeout = value);
        ReadTime(section, "UpgradeTimeout", value => engine.UpgradeTimeout = value);
        ReadNumber(section, "MaxHttpBufferSize", value => engine.MaxHttpBufferSize = value);
        ReadNumber(section, "MaxAttachments", value => options.MaxAttachments = checked((int)value));
        ReadNumber(section, "MaxDepth", value => options.MaxDepth = checked((int)value));
        ReadNumber(section, "MaxPendingAcksPerSocket", value => options.MaxPendingAcksPerSocket = checked((int)value));
        ReadNumber(section, "MaxParallelHandlersPerSocket", value => options.MaxParallelHandlersPerSocket = checked((int)value));
        ReadNumber(section, "MaxQueuedEventsPerSocket", value => options.MaxQueuedEventsPerSocket = checked((int)value));
        ReadNumber(section, "MaxQueuedBytesPerSocket", value => options.MaxQueuedBytesPerSocket = value);
        ReadNumber(section, "MaxQueuedBytesPerConnection", value => options.MaxQueuedBytesPerConnection = value);
        ReadNumber(section, "MaxRoomsPerSocket", value => options.MaxRoomsPerSocket = checked((int)value));
        ReadNumber(section, "MaxChildNamespaces", value => options.MaxChildNamespaces = checked((int)value));
        ReadFlag(section, "AllowUpgrades", value => engine.AllowUpgrades = value);
        ReadFlag(section, "AllowAnyOrigin", value => engine.AllowAnyOrigin = value);
        foreach (var origin in section.GetSection("AllowedOrigins").GetChildren())
        {
            if (!string.IsNullOrEmpty(origin.Value))
            {
                engine.AllowedOrigins.Add(origin.Value);
            }
        }
    }

    private static void ReadTime(IConfiguration section, string key, Action<TimeSpan> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            set(TimeSpan.FromMilliseconds(milliseconds));
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            set(span);
        }
        else
        {
            throw new InvalidOperationException($"SocketIO:{key} must be milliseconds or a TimeSpan, not '{text}'.");
        }
    }

    private static void ReadNumber(IConfiguration section, string key, Action<long> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        // "1e6" is how socket.io's own docs write maxHttpBufferSize.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value != Math.Floor(value) || value > long.MaxValue)
        {
            throw new InvalidOperationException($"SocketIO:{key} must be a whole number, not '{text}'.");
        }

        set((long)value);
    }

    private static void ReadFlag(IConfiguration section, string key, Action<bool> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        set(bool.TryParse(text, out var value) ? value : throw new InvalidOperationException($"SocketIO:{key} must be true or false, not '{text}'."));
    }
}
