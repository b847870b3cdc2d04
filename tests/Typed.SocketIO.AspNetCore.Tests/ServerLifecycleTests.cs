using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

[Trait("Category", TestCategories.Protocol)]
public sealed class ServerLifecycleTests
{
    [Fact]
    public async Task Every_session_close_is_logged_with_its_reason()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        var logs = server.Logs;
        var closedByClient = await server.HandshakeAsync();
        var timedOut = await server.HandshakeAsync();

        using (await server.PostAsync(closedByClient, "1"))
        {
        }

        Assert.Equal(EngineIOCloseReason.TransportClose, await server.Handler.WaitForCloseAsync(closedByClient));
        Assert.Equal(EngineIOCloseReason.PingTimeout, await server.Handler.WaitForCloseAsync(timedOut));

        var closes = logs.Entries.Where(e => e.Category == "Typed.EngineIO" && e.EventId.Id == 2).Select(e => e.Message).ToArray();
        Assert.Contains($"Engine.IO session {closedByClient} closed: transport close.", closes);
        Assert.Contains($"Engine.IO session {timedOut} closed: ping timeout.", closes);
    }

    [Fact]
    public async Task Application_shutdown_closes_sessions_and_answers_the_pending_get_with_a_close()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingInterval = TimeSpan.FromSeconds(10));
        var sid = await server.HandshakeAsync();
        var pending = server.PollAsync(sid);
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);

        await server.StopAsync();

        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", await response.Content.ReadAsStringAsync());
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task Application_shutdown_closes_websocket_sessions()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingInterval = TimeSpan.FromSeconds(10));
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");
        var open = await socket.ReceiveTextAsync();
        var sid = System.Text.Json.JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;

        var stopping = server.StopAsync();
        var status = await socket.WaitForCloseAsync();
        await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(EngineIOCloseReason.ForcedClose, await server.Handler.WaitForCloseAsync(sid));
    }

    [Fact]
    public async Task A_handler_that_throws_does_not_end_the_session()
    {
        // No ping may join the echo in the GET's answer, however long the posts take on a loaded machine.
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat, app => app.MapEngineIO("/throwing", new ThrowingHandler()));
        var body = await server.Http.GetStringAsync(new Uri(server.BaseUri, "throwing/?EIO=4&transport=polling"));
        var sid = System.Text.Json.JsonDocument.Parse(body.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;
        var url = new Uri(server.BaseUri, $"throwing/?EIO=4&transport=polling&sid={sid}");

        using var first = await server.Http.PostAsync(url, new StringContent("4boom"));
        using var second = await server.Http.PostAsync(url, new StringContent("4hello"));
        var echo = await server.Http.GetStringAsync(url);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("4hello", echo);
    }

    private sealed class ThrowingHandler : EngineIOHandler
    {
        public override ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message)
        {
            var text = message.GetText();
            if (text == "boom")
            {
                throw new InvalidOperationException("handler failure");
            }

            socket.Send(text);
            return ValueTask.CompletedTask;
        }
    }
}
