namespace Typed.Interop.Tests.Client;

/// <summary>
/// The interop application (tests/js/README.md) on a server the .NET client is tested against: Node's socket.io 4.8
/// (sio-reference-server.mjs) or ours (SocketIOHost), with either parser. It can be stopped and started again on the
/// same port, so a client sees a server restart.
/// </summary>
internal sealed class PeerServer : IAsyncDisposable
{
    private IAsyncDisposable? _running;

    /// <summary>The pong deadline the peers get unless a test asks for another: <see cref="TolerantHeartbeat"/>.</summary>
    public static readonly TimeSpan DefaultPingTimeout = TolerantHeartbeat.PingTimeout;

    private readonly TimeSpan _pingTimeout;

    private PeerServer(string kind, string parser, TimeSpan pingTimeout)
    {
        Kind = kind;
        Parser = parser;
        _pingTimeout = pingTimeout;
    }

    /// <summary><c>node</c> or <c>typed</c>.</summary>
    public string Kind { get; }

    /// <summary><c>json</c> or <c>msgpack</c>.</summary>
    public string Parser { get; }

    public Uri Uri { get; private set; } = null!;

    /// <param name="kind"><c>node</c> or <c>typed</c>.</param>
    /// <param name="parser"><c>json</c> or <c>msgpack</c>.</param>
    /// <param name="pingTimeout">The pong deadline; <see cref="DefaultPingTimeout"/> when not given.</param>
    public static async Task<PeerServer> StartAsync(string kind, string parser, TimeSpan? pingTimeout = null)
    {
        var server = new PeerServer(kind, parser, pingTimeout ?? DefaultPingTimeout);
        await server.StartOnAsync(0);
        return server;
    }

    /// <summary>Stops the server abruptly: open connections are cut.</summary>
    public async Task StopAsync()
    {
        var running = Interlocked.Exchange(ref _running, null);
        if (running is not null)
        {
            await running.DisposeAsync();
        }
    }

    /// <summary>Starts the server again on the port it had.</summary>
    public Task RestartAsync() => StartOnAsync(Uri.Port);

    public ValueTask DisposeAsync() => new(StopAsync());

    public override string ToString() => $"{Kind}/{Parser}";

    private async Task StartOnAsync(int port)
    {
        if (Kind == "node")
        {
            string[] arguments = ["--parser", Parser, "--ping-timeout", ((long)_pingTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)];
            var node = await NodeServer.StartOnPortAsync("sio-reference-server.mjs", port, arguments);
            _running = node;
            Uri = new Uri(node.BaseUrl);
        }
        else
        {
            var host = await SocketIOHost.StartAsync(Parser, port, o => o.EngineIO.PingTimeout = _pingTimeout);
            _running = host;
            Uri = new Uri(host.BaseUrl);
        }
    }
}
