using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bench.LoadGen.ClientTrack;

/// <summary>The SignalR .NET client (Microsoft.AspNetCore.SignalR.Client 10) against the SignalR hub's Echo.</summary>
public sealed class SignalRBenchClient : IBenchClient
{
    private static readonly JsonElement Payload = JsonDocument.Parse(Protocol.Payload).RootElement.Clone();
    private HubConnection? _connection;

    public async Task ConnectAsync(int port, CancellationToken cancellationToken)
    {
        _connection = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{port}/hub", HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
        await _connection.StartAsync(cancellationToken);
    }

    public Task EchoAsync(CancellationToken cancellationToken) =>
        _connection!.InvokeAsync<JsonElement>("Echo", Payload, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
