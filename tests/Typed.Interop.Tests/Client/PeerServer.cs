namespace Typed.Interop.Tests.Client;

/// <summary>
/// The interop application (tests/js/README.md) on a server the .NET client is tested against: Node's socket.io 4.8
/// (sio-reference-server.mjs) or ours (SocketIOHost), with either parser. It can be stopped and started again on the
/// same port, so a client sees a server restart.
/// </summary>
internal sealed class PeerServer : IAsyncDisposable
{
    private IAsyncDisposable? _running;

    private PeerServer(string kind, string parser)
    {
        Kind = kind;
        Parser = parser;
    }

    /// <summary><c>node</c> or <c>typed</c>.</summary>
    public string Kind { get; }

    /// <summary><c>json</c> or <c>msgpack</c>.</summary>
    public string Parser { get; }

    public Uri Uri { get; private set; } = null!;

    public static async Task<PeerServer> StartAsync(string kind, string parser)
    {
        var server = new PeerServer(kind, parser);
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
            var node = await NodeServer.StartOnPortAsync("sio-reference-server.mjs", port, "--parser", Parser);
            _running = node;
            Uri = new Uri(node.BaseUrl);
        }
        else
        {
            var host = await SocketIOHost.StartAsync(Parser, port);
            _running = host;
            Uri = new Uri(host.BaseUrl);
        }
    }
}
