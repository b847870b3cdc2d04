using System.Collections.Concurrent;
using ConformanceServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.Interop.Tests;

/// <summary>Our Socket.IO server with the interop application, on a real Kestrel at 127.0.0.1:0.</summary>
internal sealed class SocketIOHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SocketIOHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>The server-side observations (one JSON line each: connect/disconnect with reasons).</summary>
    public ConcurrentQueue<string> Events { get; } = new();

    /// <param name="parser"><c>json</c> or <c>msgpack</c>.</param>
    /// <param name="port">0 for any port; the port of a stopped host to start it again in the same place.</param>
    public static async Task<SocketIOHost> StartAsync(string parser, int port = 0)
    {
        var builder = LoopbackHost.CreateBuilder(port);
        builder.Services.AddSocketIO(options => SocketIOApp.ConfigureOptions(options, parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json));
        var app = builder.Build();
        app.MapSocketIO("/socket.io");
        var host = new SocketIOHost(app, (await LoopbackHost.StartAsync(app)).ToString().TrimEnd('/'));
        SocketIOApp.Configure(app.Services.GetRequiredService<SocketIOServer>(), host.Events.Enqueue);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
