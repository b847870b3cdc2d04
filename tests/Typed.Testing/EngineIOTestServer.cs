using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.EngineIO;
using Xunit;

namespace Typed.Testing;

/// <summary>
/// Our Engine.IO server at <c>/engine.io/</c> on a <see cref="KestrelTestHost"/>, with a <see cref="RecordingHandler"/>,
/// plus raw HTTP and WebSocket helpers that speak the protocol by hand.
/// </summary>
public sealed class EngineIOTestServer : IAsyncDisposable
{
    private readonly KestrelTestHost _host;

    private EngineIOTestServer(KestrelTestHost host, RecordingHandler handler, CapturingLoggerProvider logs)
    {
        _host = host;
        Handler = handler;
        Logs = logs;
        Http = host.CreateHttpClient();
    }

    public RecordingHandler Handler { get; }

    /// <summary>What the server logged: Typed's categories from Debug on (sessions opened and closed, with the reason;
    /// requests refused, with the code), the others from Warning on. For assertions and failure messages.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public Uri BaseUri => _host.BaseUri;

    public HttpClient Http { get; }

    /// <summary>For tests of the ping timeout: 200 ms, so interval + timeout is 500 ms, as in the conformance suite.</summary>
    public static void ShortPingTimeout(EngineIOOptions options) => options.PingTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Starts a server. Pings every 300 ms, so every test exercises the heartbeat; a pong may come 2 s late, so a
    /// loaded machine (CI beside other work, a CPU hog) never times a healthy session out. A test about the ping
    /// timeout itself sets a short <see cref="EngineIOOptions.PingTimeout"/> (<see cref="ShortPingTimeout"/>).
    /// The upgrade deadline is engine.io's 10 s: a client that has received <c>3probe</c> first waits for its polling
    /// requests in flight to end and only then sends <c>5</c>, which under load took more than a shorter deadline, and
    /// the server then discarded the probe just as the client switched to it. A test about the deadline sets its own.
    /// </summary>
    public static async Task<EngineIOTestServer> StartAsync(
        Action<EngineIOOptions>? configure = null,
        Action<WebApplication>? configureApp = null,
        Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var handler = new RecordingHandler();
        var logs = new CapturingLoggerProvider();
        var host = await KestrelTestHost.StartAsync(
            builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
                builder.Logging.AddFilter("Typed", LogLevel.Debug);
                configureBuilder?.Invoke(builder);
                builder.Services.AddEngineIO(options =>
                {
                    options.PingInterval = TimeSpan.FromMilliseconds(300);
                    options.PingTimeout = TimeSpan.FromMilliseconds(2000);
                    options.UpgradeTimeout = TimeSpan.FromSeconds(10);
                    configure?.Invoke(options);
                });
            },
            app =>
            {
                configureApp?.Invoke(app);
                app.MapEngineIO("/engine.io", handler);
            });
        return new EngineIOTestServer(host, handler, logs);
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
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
    }
}
