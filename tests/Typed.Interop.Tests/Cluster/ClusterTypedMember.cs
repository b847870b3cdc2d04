using ConformanceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.Redis;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// A Typed member on a <see cref="KestrelTestHost"/>: the interop application with its cluster events (what
/// samples/ConformanceServer runs with --redis), counting the messages its Redis adapter drops.
/// </summary>
internal sealed class ClusterTypedMember : IAsyncDisposable
{
    private readonly KestrelTestHost _host;

    private ClusterTypedMember(KestrelTestHost host, DroppedMessageCounter dropped)
    {
        _host = host;
        Dropped = dropped;
    }

    public string BaseUrl => _host.BaseUrl;

    public string Port => new Uri(_host.BaseUrl).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many Redis messages this member dropped as malformed or foreign.</summary>
    public DroppedMessageCounter Dropped { get; }

    /// <summary>This member's server (its sockets, its adapter, broadcasts from it).</summary>
    public SocketIOServer Server => _host.Services.GetRequiredService<SocketIOServer>();

    /// <summary>
    /// Starts a member; <paramref name="configure"/> runs after the interop application's options (a test's own
    /// heartbeat or caps); <paramref name="logs"/>, when given, receives every Typed log entry from Debug up.
    /// </summary>
    public static async Task<ClusterTypedMember> StartAsync(
        string redis, string parser, string mode = "classic", bool recovery = false, Action<SocketIOOptions>? configure = null, ILoggerProvider? logs = null)
    {
        var dropped = new DroppedMessageCounter();
        var host = await KestrelTestHost.StartAsync(
            builder =>
            {
                builder.Logging.AddProvider(dropped);
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                    builder.Logging.AddFilter("Typed", LogLevel.Debug);
                }

                builder.Services.AddSocketIO(options =>
                {
                    SocketIOApp.ConfigureOptions(options, parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json);
                    ClusterApp.ApplyHeartbeat(options);
                    options.ConnectionStateRecovery = ConformanceRecovery.Options(recovery, 120_000);
                    configure?.Invoke(options);
                });
                builder.Services.AddSocketIORedis(options =>
                {
                    options.Configuration = redis;
                    options.RequestTimeout = TimeSpan.FromSeconds(2);
                    options.Mode = mode switch { "sharded" => SocketIORedisMode.Sharded, "streams" => SocketIORedisMode.Streams, _ => SocketIORedisMode.Classic };
                });
            },
            app => app.MapSocketIO("/socket.io"));
        var member = new ClusterTypedMember(host, dropped);
        var io = host.Services.GetRequiredService<SocketIOServer>();
        SocketIOApp.Configure(io);
        ClusterApp.Configure(io, member.Port);
        return member;
    }

    /// <summary>The server count of namespace / as this member's adapter reports it.</summary>
    public ValueTask<int> ServerCountAsync() => _host.Services.GetRequiredService<SocketIOServer>().MainNamespace.ServerCountAsync();

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
