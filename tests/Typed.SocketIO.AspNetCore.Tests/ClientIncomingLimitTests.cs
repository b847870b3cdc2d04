using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO.AspNetCore.Tests.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The runs here measure the whole process's allocations, so they run alone (after the parallel tests), where no
/// other test's allocations blur them.
/// </summary>
[CollectionDefinition(nameof(AllocationSensitive), DisableParallelization = true)]
public sealed class AllocationSensitive;

/// <summary>
/// The client refuses a message (WebSocket) or polling response larger than
/// <see cref="SocketIOClientOptions.MaxIncomingMessageBytes"/> as soon as it crosses the limit: the session closes with
/// <c>parse error</c>, and the client never allocates anything like the message's size.
/// </summary>
[Collection(nameof(AllocationSensitive))]
[Trait("Category", TestCategories.Protocol)]
public sealed class ClientIncomingLimitTests
{
    private const int Limit = 8 * 1024 * 1024;
    private const int HugeMessage = 64 * 1024 * 1024;

    /// <summary>
    /// What refusing the 64 MiB message may cost: the pooled buffer doubles up to the limit and the pool rounds the
    /// last rent to a power of two (8 MiB + 1 → 16 MiB), about 32 MiB if the pool starts empty; buffering the message
    /// would take at least 64 MiB, and the old client's doubling writer plus copy several times that.
    /// </summary>
    private const long AllocationBound = 40L * 1024 * 1024;

    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WebSocket_message_over_the_limit_closes_with_parse_error_before_it_is_buffered()
    {
        await using var server = await HandWrittenServer.StartAsync("/engine.io", async context =>
        {
            using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
            await webSocket.SendAsync(Encoding.UTF8.GetBytes(HandWrittenServer.OpenPacket), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

            // One 64 MiB binary message in 64 KiB fragments, from one small array: the server side costs nothing.
            // (Kestrel may accept writes after the client hung up, so how far it got says nothing about the client.)
            var chunk = new byte[64 * 1024];
            long sent = 0;
            try
            {
                while (sent < HugeMessage)
                {
                    sent += chunk.Length;
                    await webSocket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: sent == HugeMessage, CancellationToken.None);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
            {
                // The client hung up mid-message: what this test expects.
            }
        });

        var client = new EngineIOClient(server.BaseUri, new EngineIOClientOptions { UsePolling = false, MaxIncomingMessageBytes = Limit });
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = 0;
        client.Closed += reason => closed.TrySetResult(reason);
        client.MessageReceived += (_, _) => Interlocked.Increment(ref messages);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await client.ConnectAsync();
        var reason = await closed.Task.WaitAsync(s_bound);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("parse error", reason);
        Assert.Equal(0, Volatile.Read(ref messages));
        Assert.True(allocated < AllocationBound, $"the client allocated {allocated / (1024 * 1024)} MiB refusing a {HugeMessage / (1024 * 1024)} MiB message against an {Limit / (1024 * 1024)} MiB limit");
        await client.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Polling_response_over_the_limit_closes_with_parse_error_before_it_is_buffered(bool declaresLength)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        await using var server = await HandWrittenServer.StartAsync("/engine.io", async context =>
        {
            var query = context.Request.Query;
            context.Response.ContentType = "text/plain; charset=UTF-8";
            if (!query.ContainsKey("sid"))
            {
                await context.Response.WriteAsync(HandWrittenServer.OpenPacket);
                return;
            }

            if (HttpMethods.IsPost(context.Request.Method))
            {
                await context.Response.WriteAsync("ok");
                return;
            }

            // One text message of 64 MiB ("4xxx…"), with a Content-Length or chunked, written 64 KiB at a time.
            if (declaresLength)
            {
                context.Response.ContentLength = HugeMessage + 1;
            }

            try
            {
                await context.Response.Body.WriteAsync("4"u8.ToArray());
                for (var sent = 0; sent < HugeMessage; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The client stopped reading and hung up.
            }
        });

        var client = new EngineIOClient(server.BaseUri, new EngineIOClientOptions { UseWebSocket = false, MaxIncomingMessageBytes = Limit });
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = 0;
        client.Closed += reason => closed.TrySetResult(reason);
        client.MessageReceived += (_, _) => Interlocked.Increment(ref messages);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        await client.ConnectAsync();
        var reason = await closed.Task.WaitAsync(s_bound);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("parse error", reason);
        Assert.Equal(0, Volatile.Read(ref messages));
        Assert.True(allocated < AllocationBound, $"the client allocated {allocated / (1024 * 1024)} MiB refusing a {HugeMessage / (1024 * 1024)} MiB response against an {Limit / (1024 * 1024)} MiB limit");
        await client.DisposeAsync();
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Socket_sees_parse_error_when_the_server_emits_more_than_the_limit_and_reconnects(string mode)
    {
        await using var server = await SocketIOTestServer.StartAsync(
            io => io.MainNamespace.WithEcho().OnConnection(socket => socket.On("ask-big", e => e.Socket.Emit("big", new string('x', 200_000)))),
            o =>
            {
                o.EngineIO.PingInterval = TimeSpan.FromSeconds(10);
                o.EngineIO.PingTimeout = TimeSpan.FromSeconds(10);
                o.ConnectTimeout = TimeSpan.FromSeconds(10);
            });
        await using var client = new SocketIOClient(server.BaseUri, o =>
        {
            o.Transports = mode == "polling" ? EngineIOTransports.Polling : EngineIOTransports.WebSocket;
            o.MaxIncomingMessageBytes = 64 * 1024;
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(50);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(200);
        });
        var socket = client.Of("/");
        var disconnected = new TaskCompletionSource<SocketIOClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bigReceived = false;
        socket.Disconnected += (_, reason) => disconnected.TrySetResult(reason);
        socket.On("big", _ => bigReceived = true);

        await socket.ConnectAsync().WaitAsync(s_bound);
        socket.Emit("ask-big");

        Assert.Equal(SocketIOClientDisconnectReason.ParseError, await disconnected.Task.WaitAsync(s_bound));
        Assert.False(bigReceived);

        // A parse error is not final: the socket comes back, and messages under the limit still go through.
        await socket.ConnectAsync().WaitAsync(s_bound);
        var ack = await socket.EmitWithAckAsync("message-with-ack", ["small"]).WaitAsync(s_bound);
        Assert.Equal("small", ack.GetString(0));
    }
}
