using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.EngineIO;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1, port 0, serving Engine.IO at <c>/engine.io/</c> with a
/// <see cref="RecordingHandler"/>, plus raw HTTP and WebSocket helpers that speak the protocol by hand.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, RecordingHandler handler, Uri baseUri)
    {
        _app = app;
        Handler = handler;
        BaseUri = baseUri;
        Http = LoopbackHost.CreateClient(baseUri);
    }

    public RecordingHandler Handler { get; }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public Uri BaseUri { get; }

    public HttpClient Http { get; }

    /// <summary>Starts a server; the default options are short (ping 300 ms / timeout 200 ms) so timeouts are testable.</summary>
    public static async Task<TestServer> StartAsync(
        Action<EngineIOOptions>? configure = null,
        Action<WebApplication>? configureApp = null,
        Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = LoopbackHost.CreateBuilder();
        configureBuilder?.Invoke(builder);
        builder.Services.AddEngineIO(options =>
        {
            options.PingInterval = TimeSpan.FromMilliseconds(300);
            options.PingTimeout = TimeSpan.FromMilliseconds(200);
            options.UpgradeTimeout = TimeSpan.FromMilliseconds(1000);
            configure?.Invoke(options);
        });

        var app = builder.Build();
        configureApp?.Invoke(app);
        var handler = new RecordingHandler();
        app.MapEngineIO("/engine.io", handler);
        return new TestServer(app, handler, await LoopbackHost.StartAsync(app));
    }

    /// <summary>The Engine.IO URL with <paramref name="query"/> (no leading '?').</summary>
    public Uri Url(string query) => new(BaseUri, "engine.io/?" + query);

    public Uri WebSocketUrl(string query) => new(new Uri(BaseUri.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), "engine.io/?" + query);

    /// <summary>Opens a polling session and returns its sid.</summary>
    public async Task<string> HandshakeAsync()
    {
        var body = await Http.GetStringAsync(Url("EIO=4&transport=polling"));
        Assert.StartsWith("0{", body);
        using var json = JsonDocument.Parse(body.AsMemory(1));
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>A polling GET on <paramref name="sid"/>.</summary>
    public Task<HttpResponseMessage> PollAsync(string sid, CancellationToken cancellationToken = default) =>
        Http.GetAsync(Url($"EIO=4&transport=polling&sid={sid}"), cancellationToken);

    public async Task<string> PollBodyAsync(string sid)
    {
        using var response = await PollAsync(sid);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>A polling POST of <paramref name="body"/> (text/plain, as the JS client sends it).</summary>
    public Task<HttpResponseMessage> PostAsync(string sid, string body, string contentType = "text/plain")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType) { CharSet = contentType == "text/plain" ? "UTF-8" : null };
        return Http.PostAsync(Url($"EIO=4&transport=polling&sid={sid}"), content);
    }

    /// <summary>Connects a WebSocket to <paramref name="query"/>.</summary>
    public async Task<ClientWebSocket> ConnectWebSocketAsync(string query, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(WebSocketUrl(query), timeout.Token);
        return socket;
    }

    /// <summary>
    /// Proves the server still works after whatever a test threw at it: a fresh polling client handshakes,
    /// sends a message and gets the echo back.
    /// </summary>
    public async Task AssertServesFreshClientAsync()
    {
        var sid = await HandshakeAsync();
        using (var post = await PostAsync(sid, "4still alive"))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        var body = await PollBodyAsync(sid);
        Assert.Contains("4still alive", body.Split('\x1e'));
        using var close = await PostAsync(sid, "1");
    }

    /// <summary>Stops the host as on application shutdown (bounded), leaving the client side alive.</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
