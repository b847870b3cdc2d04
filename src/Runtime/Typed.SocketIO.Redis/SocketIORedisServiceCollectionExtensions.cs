using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Typed.SocketIO.Redis;
using Typed.SocketIO.Redis.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scales the Socket.IO server out over Redis, wire-compatible with @socket.io/redis-adapter.</summary>
public static class SocketIORedisServiceCollectionExtensions
{
    /// <summary>
    /// Makes every namespace's adapter a Redis one (call after or before <c>AddSocketIO</c>): broadcasts, room
    /// changes, <c>FetchSocketsAsync</c>, disconnections and server-side events reach every server of the cluster,
    /// Node socket.io servers with <c>@socket.io/redis-adapter</c> included. The connection opens before the server
    /// starts listening; start-up fails when Redis cannot be reached.
    /// </summary>
    public static IServiceCollection AddSocketIORedis(this IServiceCollection services, Action<SocketIORedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SocketIORedisOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddSingleton<RedisBackplane>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RedisBackplane>(static provider => provider.GetRequiredService<RedisBackplane>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<SocketIOOptions>, RedisAdapterSetup>());
        return services;
    }

    /// <summary>
    /// Same, with options read from <paramref name="configuration"/> (e.g. the <c>SocketIO:Redis</c> section):
    /// <c>Configuration</c> (the connection string), <c>KeyPrefix</c>, <c>RequestTimeout</c> (milliseconds or a
    /// TimeSpan), <c>Mode</c> (<c>classic</c>, <c>sharded</c> or <c>streams</c>), <c>SubscriptionMode</c> (<c>dynamic</c>, <c>static</c>,
    /// <c>dynamic-private</c>), <c>MaxPendingRequests</c>, <c>PublishOnSpecificResponseChannel</c>, <c>StreamName</c>, <c>StreamMaxLength</c>,
    /// <c>StreamReadCount</c>, <c>SessionKeyPrefix</c>.
    /// Read without reflection, so it works under NativeAOT.
    /// </summary>
    public static IServiceCollection AddSocketIORedis(this IServiceCollection services, IConfiguration configuration, Action<SocketIORedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddSocketIORedis(options =>
        {
            Bind(configuration, options);
            configure?.Invoke(options);
        });
    }

    private static void Bind(IConfiguration section, SocketIORedisOptions options)
    {
        if ((section["Configuration"] ?? section["ConnectionString"]) is { } connection)
        {
            options.Configuration = connection;
        }

        if (section["KeyPrefix"] is { } prefix)
        {
            options.KeyPrefix = prefix;
        }

        if (section["Mode"] is { } mode)
        {
            options.Mode = mode.ToLowerInvariant() switch
            {
                "classic" => SocketIORedisMode.Classic,
                "sharded" => SocketIORedisMode.Sharded,
                "streams" => SocketIORedisMode.Streams,
                _ => throw new InvalidOperationException($"SocketIO:Redis:Mode must be 'classic', 'sharded' or 'streams', not '{mode}'."),
            };
        }

        if (section["SubscriptionMode"] is { } subscription)
        {
            options.SubscriptionMode = subscription.ToLowerInvariant() switch
            {
                "dynamic" => SocketIORedisSubscriptionMode.Dynamic,
                "static" => SocketIORedisSubscriptionMode.Static,
                "dynamic-private" or "dynamicprivate" => SocketIORedisSubscriptionMode.DynamicPrivate,
                _ => throw new InvalidOperationException($"SocketIO:Redis:SubscriptionMode must be 'dynamic', 'static' or 'dynamic-private', not '{subscription}'."),
            };
        }

        if (section["RequestTimeout"] is { } timeout)
        {
            options.RequestTimeout = long.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
                ? TimeSpan.FromMilliseconds(milliseconds)
                : TimeSpan.TryParse(timeout, CultureInfo.InvariantCulture, out var span)
                    ? span
                    : throw new InvalidOperationException($"SocketIO:Redis:RequestTimeout must be milliseconds or a TimeSpan, not '{timeout}'.");
        }

        if (section["MaxPendingRequests"] is { } max)
        {
            options.MaxPendingRequests = int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                ? count
                : throw new InvalidOperationException($"SocketIO:Redis:MaxPendingRequests must be a positive whole number, not '{max}'.");
        }

        if (section["StreamName"] is { } stream)
        {
            options.StreamName = stream;
        }

        if (section["StreamMaxLength"] is { } maxLength)
        {
            options.StreamMaxLength = int.TryParse(maxLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length > 0
                ? length
                : throw new InvalidOperationException($"SocketIO:Redis:StreamMaxLength must be a positive whole number, not '{maxLength}'.");
        }

        if (section["StreamReadCount"] is { } readCount)
        {
            options.StreamReadCount = int.TryParse(readCount, NumberStyles.None, CultureInfo.InvariantCulture, out var reads) && reads > 0
                ? reads
                : throw new InvalidOperationException($"SocketIO:Redis:StreamReadCount must be a positive whole number, not '{readCount}'.");
        }

        if (section["SessionKeyPrefix"] is { } sessionPrefix)
        {
            options.SessionKeyPrefix = sessionPrefix;
        }

        if (section["PublishOnSpecificResponseChannel"] is { } specific)
        {
            options.PublishOnSpecificResponseChannel = bool.TryParse(specific, out var flag)
                ? flag
                : throw new InvalidOperationException($"SocketIO:Redis:PublishOnSpecificResponseChannel must be true or false, not '{specific}'.");
        }
    }
}
