using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO.AspNetCore.Tests.SocketIO;
using Typed.SocketIO.Client;

using Typed.SocketIO.AspNetCore.Tests.Infrastructure;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The .NET client against servers that misbehave on purpose: connections dropped right after opening, a CONNECT
/// reply without <c>sid</c>, a namespace that is never answered, an open packet that is not JSON.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ClientFaultTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The first <c>Drops</c> sessions are opened and then dropped as soon as the client asks for its namespace; the
    /// next ones reach the real server. The application's <see cref="SocketIOClient.Reconnected"/> handler does not
    /// return before the drop is seen, so every drop after a successful reconnection lands before the reconnection
    /// attempt has finished, where it used to be lost (no loop retried, ConnectAsync never completed): the client must
    /// still end up connected.
    /// </summary>
    [Fact]
    public async Task Reconnection_goes_on_when_new_connections_drop_right_after_opening()
    {
        const int Drops = 4;
        var handshakes = 0;
        await using var host = await KestrelTestHost.StartAsync(
            builder => builder.Services.AddSocketIO(o =>
            {
                o.EngineIO.PingInterval = TimeSpan.FromSeconds(10);
                o.EngineIO.PingTimeout = TimeSpan.FromSeconds(10);
            }),
            app =>
            {
                app.Services.GetRequiredService<SocketIOServer>().MainNamespace.WithEcho();
                app.UseWebSockets();
                app.Use(async (context, next) =>
                {
                    if (context.Request.Path.StartsWithSegments("/socket.io") && context.WebSockets.IsWebSocketRequest
                        && !context.Request.Query.ContainsKey("sid") && Interlocked.Increment(ref handshakes) <= Drops)
                    {
                        await AcceptThenDropOnConnectAsync(context);
                        return;
                    }

                    await next(context);
                });
                app.MapSocketIO("/socket.io");
            });

        await using var client = new SocketIOClient(host.BaseUri, o =>
        {
            o.Transports = EngineIOTransports.WebSocket;
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(10);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(50);
        });
        var gate = new object();
        var closes = 0;
        var closesAtOpen = 0;
        var doomed = false;
        var heldReconnections = 0;
        client.Closed += _ =>
        {
            lock (gate)
            {
                closes++;
                Monitor.PulseAll(gate);
            }
        };
        client.Opened += () =>
        {
            lock (gate)
            {
                closesAtOpen = closes;
                doomed = Volatile.Read(ref handshakes) <= Drops;
            }
        };
        client.Reconnected += _ =>
        {
            // A slow Reconnected handler: it returns only once this connection (opened, then dropped) is seen closed.
            var deadline = DateTime.UtcNow + s_bound;
            lock (gate)
            {
                if (!doomed)
                {
                    return;
                }

                heldReconnections++;
                while (closes == closesAtOpen && DateTime.UtcNow < deadline)
                {
                    Monitor.Wait(gate, deadline - DateTime.UtcNow);
                }
            }
        };
        var socket = client.Of("/");

        await socket.ConnectAsync().WaitAsync(s_bound);

        Assert.True(socket.IsConnected);
        Assert.True(heldReconnections >= 2, $"only {heldReconnections} reconnections were dropped while being reported");
        var echo = await socket.EmitWithAckAsync("message-with-ack", ["after the drops"]).WaitAsync(s_bound);
        Assert.Equal("after the drops", echo.GetString(0));
    }

    /// <summary>Opens an Engine.IO session on WebSocket, waits for the client's first Socket.IO CONNECT, then drops the connection.</summary>
    private static async Task AcceptThenDropOnConnectAsync(HttpContext context)
    {
        using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
        try
        {
            await webSocket.SendAsync(Encoding.UTF8.GetBytes(HandWrittenServer.OpenPacket), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
            var buffer = new byte[4096];
            while (true)
            {
                var result = await webSocket.ReceiveAsync(buffer, context.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close || buffer.AsSpan(0, result.Count).StartsWith("40"u8))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
            // The client went first.
        }

        webSocket.Abort();
    }

    /// <summary>A CONNECT reply without a string <c>sid</c> is a connect error (as socket.io-client's), not a wait forever.</summary>
    [Theory]
    [InlineData("40")]
    [InlineData("40{}")]
    [InlineData("""40{"sid":1}""")]
    public async Task Connect_reply_without_sid_fails_ConnectAsync(string reply)
    {
        await using var server = await StartRawServerAsync(reply);
        await using var client = new SocketIOClient(server.BaseUri, o =>
        {
            o.Transports = EngineIOTransports.WebSocket;
            o.ReconnectionAttempts = 0;
        });
        var socket = client.Of("/");
        var reported = new TaskCompletionSource<SocketIOConnectException>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.ConnectFailed += (_, error) => reported.TrySetResult(error);

        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => socket.ConnectAsync().WaitAsync(s_bound));

        Assert.Contains("sid", error.Message, StringComparison.Ordinal);
        Assert.Same(error, await reported.Task.WaitAsync(s_bound));
        Assert.False(socket.IsConnected);
        Assert.False(socket.IsActive);
    }

    /// <summary>A namespace the server never answers fails ConnectAsync after the client's connect timeout, as a connect error.</summary>
    [Fact]
    public async Task Unanswered_namespace_CONNECT_fails_ConnectAsync_after_the_connect_timeout()
    {
        await using var server = await StartRawServerAsync(connectReply: null);
        await using var client = new SocketIOClient(server.BaseUri, o =>
        {
            o.Transports = EngineIOTransports.WebSocket;
            o.ConnectTimeout = TimeSpan.FromMilliseconds(300);
        });
        var socket = client.Of("/");
        var reported = new TaskCompletionSource<SocketIOConnectException>(TaskCreationOptions.RunContinuationsAsynchronously);
        socket.ConnectFailed += (_, error) => reported.TrySetResult(error);

        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => socket.ConnectAsync().WaitAsync(s_bound));

        Assert.Equal("timeout", error.Message);
        Assert.False(error.IsRejectedByServer);
        Assert.Same(error, await reported.Task.WaitAsync(s_bound));
        Assert.False(socket.IsActive);
    }

    /// <summary>An open packet whose JSON is malformed is reported as an invalid handshake, not as a timeout.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Malformed_open_packet_is_reported_as_such_not_as_timeout(bool webSocket)
    {
        const string BadOpen = """0{"sid":"AAAA","upgrades":[],"pingInterval":""";
        await using var server = await KestrelTestHost.StartAsync(
            configureBuilder: null,
            configureApp: app =>
            {
                app.UseWebSockets();
                app.Map("/engine.io", branch => branch.Run(async context =>
                {
                    if (context.WebSockets.IsWebSocketRequest)
                    {
                        using var ws = await context.WebSockets.AcceptWebSocketAsync();
                        await ws.SendAsync(Encoding.UTF8.GetBytes(BadOpen), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                        await ws.ReceiveAsync(new byte[16], CancellationToken.None);
                        return;
                    }

                    context.Response.ContentType = "text/plain; charset=UTF-8";
                    await context.Response.WriteAsync(BadOpen);
                }));
            });
        await using var engine = new EngineIOClient(server.BaseUri, new EngineIOClientOptions { UsePolling = !webSocket, UseWebSocket = webSocket });

        var error = await Assert.ThrowsAsync<EngineIOConnectException>(() => engine.ConnectAsync().WaitAsync(s_bound));

        Assert.NotEqual("timeout", error.Message);
        Assert.StartsWith("invalid handshake", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Disposed while the server has not answered the handshake, the client ends the attempt: DisposeAsync completes
    /// without an exception (it once tried to post a close packet for a session with no id yet, and threw
    /// ArgumentNullException; a fresh-clone run under load caught it when a reconnection was in flight), the pending
    /// ConnectAsync fails saying why, and the server sees the connection go.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Disposing_while_the_handshake_is_unanswered_ends_the_attempt_without_an_error(bool webSocket)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var left = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await HandWrittenServer.StartAsync("/engine.io", async context =>
        {
            try
            {
                if (context.WebSockets.IsWebSocketRequest)
                {
                    using var ws = await context.WebSockets.AcceptWebSocketAsync();
                    arrived.TrySetResult();
                    await ws.ReceiveAsync(new byte[16], CancellationToken.None); // the open packet never comes
                }
                else
                {
                    arrived.TrySetResult();
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client went away: what this server waits for.
            }

            left.TrySetResult();
        });
        var engine = new EngineIOClient(server.BaseUri, new EngineIOClientOptions { UsePolling = !webSocket, UseWebSocket = webSocket });
        var connecting = engine.ConnectAsync();
        await arrived.Task.WaitAsync(s_bound);

        await engine.DisposeAsync().AsTask().WaitAsync(s_bound);

        var error = await Assert.ThrowsAsync<EngineIOConnectException>(() => connecting.WaitAsync(s_bound));
        Assert.Equal("the client was closed before the handshake completed", error.Message);
        Assert.False(engine.IsOpen);
        await left.Task.WaitAsync(s_bound);
    }

    /// <summary>
    /// A raw Socket.IO server on WebSocket: opens the session, and answers each CONNECT with <paramref name="connectReply"/>
    /// (null: never answers). It reads until the client goes away.
    /// </summary>
    private static Task<KestrelTestHost> StartRawServerAsync(string? connectReply) => KestrelTestHost.StartAsync(
        configureBuilder: null,
        configureApp: app =>
        {
            app.UseWebSockets();
            app.Map("/socket.io", branch => branch.Run(async context =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    context.Response.StatusCode = 400;
                    return;
                }

                using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
                await webSocket.SendAsync(Encoding.UTF8.GetBytes(HandWrittenServer.OpenPacket), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                var buffer = new byte[4096];
                try
                {
                    while (true)
                    {
                        var result = await webSocket.ReceiveAsync(buffer, context.RequestAborted);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return;
                        }

                        if (connectReply is not null && buffer.AsSpan(0, result.Count).StartsWith("40"u8))
                        {
                            await webSocket.SendAsync(Encoding.UTF8.GetBytes(connectReply), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                        }
                    }
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
                {
                    // The client went away.
                }
            }));
        });
}
