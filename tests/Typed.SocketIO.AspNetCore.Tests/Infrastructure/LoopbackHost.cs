using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>A real Kestrel for tests: loopback only, on a port the system picks, without console logging.</summary>
public static class LoopbackHost
{
    /// <param name="port">0 for a port the system picks; a fixed one to start a server again where it was.</param>
    public static WebApplicationBuilder CreateBuilder(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder;
    }

    /// <summary>An HTTP client for a test server: bounded timeout, connections recycled.</summary>
    public static HttpClient CreateClient(Uri baseUri) => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Starts <paramref name="app"/> and returns where it listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
