using System.Collections.Concurrent;
using ConformanceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;

namespace Typed.Interop.Tests;

/// <summary>Our Socket.IO server with the interop application, on a <see cref="KestrelTestHost"/>.</summary>
internal sealed class SocketIOHost : IAsyncDisposable
{
    private readonly KestrelTestHost _host;

    private SocketIOHost(KestrelTestHost host) => _host = host;

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl => _host.BaseUrl;

    /// <summary>The server-side observations (one JSON line each: connect/disconnect with reasons).</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <param name="parser"><c>json</c> or <c>msgpack</c>.</param>
    /// <param name="port">0 for any port; the port of a stopped host to start it again in the same place.</param>
    /// <param name="configure">Further options (connection state recovery…), applied after the application's.</param>
    public static async Task<SocketIOHost> StartAsync(string parser, int port = 0, Action<SocketIOOptions>? configure = null)
    {
        var kestrel = await KestrelTestHost.StartAsync(
            builder => builder.Services.AddSocketIO(options =>
            {
                SocketIOApp.ConfigureOptions(options, parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json);
                configure?.Invoke(options);
            }),
            app => app.MapSocketIO("/socket.io"),
            port);
        var host = new SocketIOHost(kestrel);
        SocketIOApp.Configure(kestrel.Services.GetRequiredService<SocketIOServer>(), host.Events.Enqueue);
        ClusterApp.Configure(kestrel.Services.GetRequiredService<SocketIOServer>(), host.BaseUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return host;
    }

    /// <summary>The server, for tests that broadcast from it.</summary>
    public SocketIOServer Server => _host.Services.GetRequiredService<SocketIOServer>();

    public Uri BaseUri => _host.BaseUri;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
