using System.Text.Json;
using System.Threading.Channels;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// <see cref="SocketIOClient.ConnectAsync"/>, the .NET form of socket.io-client's <c>io(url)</c> with
/// <c>autoConnect</c>, against Node's socket.io: sio-reference-server.mjs (its namespaces emit <c>auth</c> with the
/// handshake's auth as soon as a socket connects; <c>/secure</c> refuses every socket) and sio-client-api-server.mjs
/// (<c>/early</c> holds a socket in its middleware).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientConnectAsyncTests
{
    [Fact]
    public async Task ConnectAsync_connects_the_namespace_of_the_url_with_its_handlers_in_place_before_the_first_event()
    {
        await using var server = await NodeServer.StartAsync("sio-reference-server.mjs", TolerantHeartbeat.NodeArguments);
        var auth = Channel.CreateUnbounded<string>();
        var socket = await SocketIOClient.ConnectAsync(
            new Uri(server.BaseUrl + "/custom"),
            new SocketIOClientOptions { Transports = EngineIOTransports.WebSocket },
            o => o.Auth = new Dictionary<string, string> { ["label"] = "auto" },
            s => s.On("auth", e => auth.Writer.TryWrite(e.Arguments.GetJsonElement(0).GetRawText())))
            .WaitAsync(Wait);
        await using var client = socket.Client;

        Assert.True(socket.IsConnected);
        Assert.Equal("/custom", socket.Namespace);

        // The server emitted "auth" right after its CONNECT reply: the handler registered in setup saw it.
        Assert.Equal("""{"label":"auto"}""", await auth.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        var connect = await SocketIOClientReceiveBufferTests.WaitForEventAsync(server, "connect");
        Assert.Equal("/custom", connect.GetProperty("nsp").GetString());
        Assert.Equal("auto", connect.GetProperty("label").GetString());
    }

    [Fact]
    public async Task ConnectAsync_throws_the_servers_refusal()
    {
        await using var server = await NodeServer.StartAsync("sio-reference-server.mjs", TolerantHeartbeat.NodeArguments);
        var refused = await Assert.ThrowsAsync<SocketIOConnectException>(() =>
            SocketIOClient.ConnectAsync(new Uri(server.BaseUrl + "/secure")).WaitAsync(Wait));

        Assert.True(refused.IsRejectedByServer);
        Assert.Equal("not authorized", refused.Message);
    }

    [Fact]
    public async Task A_cancelled_ConnectAsync_disposes_its_client_and_the_connection_closes()
    {
        await using var server = await NodeServer.StartAsync("sio-client-api-server.mjs", TolerantHeartbeat.NodeArguments);
        using var cancel = new CancellationTokenSource();
        var connecting = SocketIOClient.ConnectAsync(new Uri(server.BaseUrl + "/early"), cancellationToken: cancel.Token);

        // The server holds the socket in its middleware and never answers the CONNECT: only cancelling ends the wait.
        var held = await SocketIOClientReceiveBufferTests.WaitForEventAsync(server, "early-held");
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting.WaitAsync(Wait));

        // The client was disposed: its Engine.IO session closes (a client left behind would hold it open).
        var closed = await SocketIOClientReceiveBufferTests.WaitForEventAsync(server, "engine-close");
        Assert.Equal(held.GetProperty("eid").GetString(), closed.GetProperty("eid").GetString());
    }

    [Fact]
    public async Task ConnectAsync_refuses_a_url_with_a_query()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SocketIOClient.ConnectAsync(new Uri("http://127.0.0.1:1/chat?token=x")));
        Assert.Equal("uri", error.ParamName);
    }
}
