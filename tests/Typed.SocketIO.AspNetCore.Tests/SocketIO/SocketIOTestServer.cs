using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// Our Socket.IO server at <c>/socket.io/</c> on a <see cref="KestrelTestHost"/> (127.0.0.1, port 0). Defaults are short so the
/// timers are testable: ping 300 ms / timeout 200 ms, connect timeout 1 s. Every log line is captured so tests can
/// check that hostile input never reached an error log (an exception escaping a handler).
/// </summary>
public sealed class SocketIOTestServer : IAsyncDisposable
{
    /// <summary>The upper bound of every wait for something that should happen "now".</summary>
    public const int BoundMs = 5000;

    private readonly KestrelTestHost _host;

    private SocketIOTestServer(KestrelTestHost host, SocketIOServer io, CapturingLoggerProvider logs)
    {
        _host = host;
        IO = io;
        Logs = logs;
        Http = host.CreateHttpClient();
    }

    /// <summary>The server's <see cref="SocketIOServer"/> (the <c>io</c> of the reference).</summary>
    public SocketIOServer IO { get; }

    /// <summary>Every log line the server wrote.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The application's endpoints (the Engine.IO server rides on its endpoint's metadata).</summary>
    public IEnumerable<Microsoft.AspNetCore.Http.Endpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_host.App).DataSources.SelectMany(d => d.Endpoints);

    /// <summary>e.g. http://127.0.0.1:41234/</summary>
    public Uri BaseUri => _host.BaseUri;

    public HttpClient Http { get; }

    /// <summary>The host's services (its IMeterFactory, for the telemetry tests).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts a server. <paramref name="configureServer"/> sets up namespaces, middleware and handlers on the
    /// <see cref="SocketIOServer"/> before the first request; <paramref name="configure"/> runs after the test defaults
    /// (ping 300/200 ms, connect timeout 1 s) and may override them.
    /// </summary>
    public static async Task<SocketIOTestServer> StartAsync(Action<SocketIOServer>? configureServer = null, Action<SocketIOOptions>? configure = null)
    {
        await s_warmUp.Value;
        return await StartCoreAsync(configureServer, configure);
    }

    /// <summary>
    /// Once per test process: one throwaway server goes through the common paths (WebSocket and polling sessions,
    /// CONNECT, a refused CONNECT, events, acks, binary). Cold, the first WebSocket connect and the first packets
    /// take over a second on a 2-core machine, which would eat the 1 s connect timeout and the 200 ms pong deadline
    /// of whichever test happens to run first.
    /// </summary>
    private static readonly Lazy<Task> s_warmUp = new(WarmUpAsync);

    private static async Task WarmUpAsync()
    {
        await using var server = await StartCoreAsync(
            io =>
            {
                io.MainNamespace.WithEcho().OnConnection(socket => socket.On("bin", e => e.Socket.Emit("bin-back", e.Arguments)));
                io.Of("/refused").Use(_ => throw new SocketIOConnectionRejectedException("no"));
            },
            o =>
            {
                o.EngineIO.PingInterval = TimeSpan.FromSeconds(30);
                o.ConnectTimeout = TimeSpan.FromSeconds(30);
            });
        await using (var client = await server.ConnectToAsync("/"))
        {
            await client.SendAsync("40/refused,");
            await client.ReceiveAsync(30_000);
            await client.AssertEchoesAsync();
            await client.SendAsync("""421["message-with-ack",1]""");
            await client.ReceiveAsync(30_000);
            await client.SendAsync("""451-["bin",{"_placeholder":true,"num":0}]""");
            await client.SendBinaryAsync([1]);
            await client.ReceiveAsync(30_000);
            await client.ReceiveBinaryAsync(30_000);
        }

        await using var polling = await server.ConnectPollingAsync();
        await polling.PostAsync("40");
        await polling.PollAsync(30_000);
    }

    private static async Task<SocketIOTestServer> StartCoreAsync(Action<SocketIOServer>? configureServer, Action<SocketIOOptions>? configure)
    {
        var logs = new CapturingLoggerProvider();
        SocketIOServer? io = null;
        var host = await KestrelTestHost.StartAsync(
            builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Debug);
                builder.Services.AddSocketIO(options =>
                {
                    // Pings every 300 ms, but a pong may come 2 s late: a loaded machine must not time a healthy
                    // session out (the raw clients answer pings from the test's own thread).
                    options.EngineIO.PingInterval = TimeSpan.FromMilliseconds(300);
                    options.EngineIO.PingTimeout = TimeSpan.FromMilliseconds(2000);
                    options.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
                    configure?.Invoke(options);
                });
            },
            app =>
            {
                // Namespaces and handlers are set up before the server takes its first request.
                io = app.Services.GetRequiredService<SocketIOServer>();
                configureServer?.Invoke(io);
                app.MapSocketIO("/socket.io");
            });
        return new SocketIOTestServer(host, io!, logs);
    }

    /// <summary>The Socket.IO URL with <paramref name="query"/> (no leading '?').</summary>
    public Uri Url(string query) => new(BaseUri, "socket.io/?" + query);

    public Uri WebSocketUrl(string query) => new(new Uri(BaseUri.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), "socket.io/?" + query);

    /// <summary>Opens an Engine.IO session over WebSocket (<c>EIO=4&amp;transport=websocket</c>); no namespace yet.</summary>
    public Task<RawSocketIOClient> ConnectAsync() => RawSocketIOClient.ConnectAsync(WebSocketUrl("EIO=4&transport=websocket"));

    /// <summary>Opens an Engine.IO session and joins <paramref name="ns"/> (CONNECT, then the CONNECT reply is checked).</summary>
    public async Task<RawSocketIOClient> ConnectToAsync(string ns = "/")
    {
        var client = await ConnectAsync();
        try
        {
            await client.JoinAsync(ns);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens an Engine.IO session over long-polling; no namespace yet.</summary>
    public Task<RawSocketIOPollingClient> ConnectPollingAsync() => RawSocketIOPollingClient.ConnectAsync(this);

    /// <summary>
    /// Proves the server still works after whatever a test threw at it: a fresh client opens a session and is
    /// accepted on <c>/</c> with a well-formed CONNECT reply.
    /// </summary>
    public async Task AssertServesFreshClientAsync()
    {
        await using var client = await ConnectToAsync("/");
    }

    /// <summary>Error-level log lines (an exception escaped a handler, a middleware failed…).</summary>
    public IReadOnlyList<string> ErrorLogs() =>
        [.. Logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category} [{e.EventId}] {e.Message}")];

    /// <summary>Stops the host as on application shutdown (bounded), leaving the client side alive.</summary>
    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
    }
}

/// <summary>
/// Records the server-side sockets of the namespaces it is attached to: each socket as it connects, and how it left.
/// It subscribes in a namespace middleware, before the CONNECT reply is sent, so no disconnect can slip by
/// unobserved even when the client breaks the connection right after the reply.
/// </summary>
public sealed class SocketLog
{
    private readonly Channel<SocketIOSocket> _connected = Channel.CreateUnbounded<SocketIOSocket>();
    private readonly ConcurrentDictionary<SocketIOSocket, TaskCompletionSource<SocketIODisconnectReason>> _disconnected = new();
    private readonly ConcurrentDictionary<SocketIOSocket, IReadOnlyCollection<string>> _roomsWhenDisconnecting = new();
    private readonly ConcurrentDictionary<SocketIOSocket, IReadOnlyCollection<string>> _roomsWhenDisconnected = new();

    /// <summary>Records the sockets of <paramref name="ns"/> (for a dynamic parent, those of all its children).</summary>
    public SocketLog Attach(SocketIONamespace ns)
    {
        ns.Use(socket =>
        {
            var left = Source(socket);
            socket.Disconnecting += (s, _) => _roomsWhenDisconnecting[s] = [.. s.Rooms];
            socket.Disconnected += (s, reason) =>
            {
                _roomsWhenDisconnected[s] = [.. s.Rooms];
                left.TrySetResult(reason);
            };
            return ValueTask.CompletedTask;
        });
        ns.OnConnection(socket =>
        {
            _connected.Writer.TryWrite(socket);
        });
        return this;
    }

    /// <summary>The next socket whose connection handlers ran (in connection order).</summary>
    public async Task<SocketIOSocket> NextAsync(int timeoutMs = SocketIOTestServer.BoundMs)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        return await _connected.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Waits (bounded) for <paramref name="socket"/> to leave and returns why.</summary>
    public Task<SocketIODisconnectReason> DisconnectReasonAsync(SocketIOSocket socket, int timeoutMs = SocketIOTestServer.BoundMs) =>
        Source(socket).Task.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));

    /// <summary>Whether <paramref name="socket"/> has left yet.</summary>
    public bool HasLeft(SocketIOSocket socket) => Source(socket).Task.IsCompleted;

    /// <summary>The rooms the socket was in when Disconnecting was raised (after it left).</summary>
    public IReadOnlyCollection<string> RoomsWhenDisconnecting(SocketIOSocket socket) => _roomsWhenDisconnecting[socket];

    /// <summary>The rooms the socket was in when Disconnected was raised (after it left).</summary>
    public IReadOnlyCollection<string> RoomsWhenDisconnected(SocketIOSocket socket) => _roomsWhenDisconnected[socket];

    private TaskCompletionSource<SocketIODisconnectReason> Source(SocketIOSocket socket) =>
        _disconnected.GetOrAdd(socket, _ => new TaskCompletionSource<SocketIODisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>Small helpers shared by the Socket.IO tests.</summary>
public static class SocketIOTestSupport
{
    /// <summary>The JSON of a CONNECT reply (<c>40{"sid":"…"}</c>, <c>40/nsp,{"sid":"…"}</c>) after its prefix.</summary>
    public static string ConnectReplySid(string frame, string ns = "/")
    {
        var prefix = ns == "/" ? "40" : $"40{ns},";
        Assert.StartsWith(prefix + "{", frame);
        using var json = JsonDocument.Parse(frame.AsMemory(prefix.Length));
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["sid"], keys);
        return json.RootElement.GetProperty("sid").GetString()!;
    }

    /// <summary>
    /// The echo application most tests use: <c>message</c> is re-emitted as <c>message-back</c> with the same
    /// arguments, <c>message-with-ack</c> is acknowledged with its arguments.
    /// </summary>
    public static SocketIONamespace WithEcho(this SocketIONamespace ns) => ns.OnConnection(socket =>
    {
        socket.On("message", e => e.Socket.Emit("message-back", e.Arguments));
        socket.On("message-with-ack", e => e.Ack(e.Arguments));
    });

    /// <summary>The prefix of a packet for <paramref name="ns"/> after its type: empty for <c>/</c>, else <c>/nsp,</c>.</summary>
    public static string NspPrefix(string ns) => ns == "/" ? "" : ns + ",";

    /// <summary>
    /// Proves the connection is up and <paramref name="ns"/> joined: an event goes out and its echo comes back
    /// (the namespace must run <see cref="WithEcho"/>).
    /// </summary>
    public static async Task AssertEchoesAsync(this RawSocketIOClient client, string ns = "/", string token = "still here")
    {
        await client.SendAsync($"42{NspPrefix(ns)}[\"message\",\"{token}\"]");
        Assert.Equal($"42{NspPrefix(ns)}[\"message-back\",\"{token}\"]", await client.ReceiveAsync());
    }

    /// <summary>A JSON value for middleware rejections and emits.</summary>
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
