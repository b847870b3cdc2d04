using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Typed.Testing;

/// <summary>
/// A real Kestrel for tests: a <see cref="WebApplication"/> on 127.0.0.1, on a port the system picks, without console
/// logging. Every server the tests start (Engine.IO, Socket.IO, hubs, the chat sample) is one of these with its own
/// services and endpoints. Disposing it stops the server (bounded) and disposes the application.
/// </summary>
public sealed class KestrelTestHost : IAsyncDisposable
{
    private KestrelTestHost(WebApplication app, Uri baseUri)
    {
        App = app;
        BaseUri = baseUri;
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>Where it listens, with a trailing slash: <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Where it listens, without a trailing slash (as the Node scripts take it): <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl => BaseUri.ToString().TrimEnd('/');

    /// <summary>
    /// Builds and starts a server: <paramref name="configureBuilder"/> adds services, <paramref name="configureApp"/>
    /// maps endpoints.
    /// </summary>
    /// <param name="port">0 for a port the system picks; a fixed one to start a server again where it was.</param>
    public static async Task<KestrelTestHost> StartAsync(Action<WebApplicationBuilder>? configureBuilder, Action<WebApplication>? configureApp, int port = 0)
    {
        var builder = CreateBuilder(port);
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        configureApp?.Invoke(app);
        return await StartAsync(app);
    }

    /// <summary>
    /// The builder <see cref="StartAsync(Action{WebApplicationBuilder}?, Action{WebApplication}?, int)"/> starts from,
    /// for tests that build and own the <see cref="WebApplication"/> themselves (e.g. to test its shutdown).
    /// </summary>
    /// <param name="port">0 for a port the system picks; a fixed one to start a server again where it was.</param>
    public static WebApplicationBuilder CreateBuilder(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        return builder;
    }

    /// <summary>Starts a built <paramref name="app"/> (from <see cref="CreateBuilder"/>) and reads the port it got.</summary>
    public static async Task<KestrelTestHost> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelTestHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>An HTTP client for this server: bounded timeout, connections recycled.</summary>
    public HttpClient CreateHttpClient() => CreateHttpClient(BaseUri);

    /// <summary>An HTTP client for a test server at <paramref name="baseUri"/>: bounded timeout, connections recycled.</summary>
    public static HttpClient CreateHttpClient(Uri baseUri) => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        BaseAddress = baseUri,
        Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Stops the server as on application shutdown (bounded), leaving the client side alive.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
