using System.Text.Json;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Bench.LoadGen.ClientTrack;

/// <summary>Typed's own .NET client (Typed.SocketIO.Client.SocketIOClient) against the server's "echo", WebSocket only.</summary>
public sealed class TypedBenchClient : IBenchClient
{
    private static readonly JsonElement Payload = JsonDocument.Parse(Protocol.Payload).RootElement.Clone();
    private SocketIOClient? _client;
    private SocketIOClientSocket? _socket;

    public async Task ConnectAsync(int port, CancellationToken cancellationToken)
    {
        _client = new SocketIOClient(new Uri($"http://127.0.0.1:{port}"), options => options.Transports = EngineIOTransports.WebSocket);
        _socket = _client.Of("/");
        await _socket.ConnectAsync(cancellationToken);
    }

    public Task EchoAsync(CancellationToken cancellationToken) =>
        _socket!.EmitWithAckAsync("echo", [Payload], TimeSpan.FromSeconds(30), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
    }
}
