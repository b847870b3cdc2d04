using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;

namespace Typed.Interop.Tests;

/// <summary>
/// The server API a socket.io user expects (per-socket Timeout and Volatile, io.CloseAsync, an async dynamic namespace
/// predicate that sees the auth) and the compression engine.io does (httpCompression, perMessageDeflate), each driven
/// by the stock socket.io-client, raw Node http or the <c>ws</c> package (tests/js/sio-server-api.mjs).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class ServerApiInteropTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Socket_Timeout_reports_an_unanswered_ack_and_Volatile_drops_while_the_transport_is_busy(string mode)
    {
        var outcome = new TaskCompletionSource<(Exception? Unanswered, string? Answer)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await StartAsync(server => server.MainNamespace.OnConnection(socket => socket.On("ready", async _ =>
        {
            Exception? unanswered = null;
            try
            {
                await socket.Timeout(TimeSpan.FromMilliseconds(300)).EmitWithAckAsync("ask", "ignore me");
            }
            catch (Exception ex)
            {
                unanswered = ex;
            }

            var answer = await socket.Timeout(Wait).EmitWithAckAsync("ask", "answer");
            outcome.TrySetResult((unanswered, answer.GetString(0)));

            // "a" takes the transport (the pending GET, or the WebSocket writer), so the volatile "b" right behind it
            // finds it busy and is dropped; "c" is queued and arrives after "a".
            socket.Emit("a");
            socket.Volatile.Emit("b");
            socket.Emit("c");
        })));

        var run = await NodeScript.RunAsync("sio-server-api.mjs", host.BaseUrl, "operators", mode);
        var (unansweredError, answerText) = await outcome.Task.WaitAsync(Wait);

        Assert.IsType<SocketIOAckTimeoutException>(unansweredError);
        Assert.Equal("yes", answerText);
        Assert.Equal(["a", "c"], run.GetProperty("received").EnumerateArray().Select(e => e.GetString()));
    }

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task CloseAsync_disconnects_every_socket_and_refuses_new_connections(string mode)
    {
        var ready = new TaskCompletionSource<SocketIOSocket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reasons = new List<SocketIODisconnectReason>();
        await using var host = await StartAsync(server => server.MainNamespace.OnConnection(socket =>
        {
            socket.Disconnected += (_, reason) =>
            {
                lock (reasons)
                {
                    reasons.Add(reason);
                }
            };
            socket.On("ready", _ => ready.TrySetResult(socket));
        }));
        var io = host.Services.GetRequiredService<SocketIOServer>();

        var run = NodeScript.RunAsync("sio-server-api.mjs", host.BaseUrl, "close", mode);
        var socket = await ready.Task.WaitAsync(Wait);
        await io.CloseAsync().WaitAsync(Wait);
        var result = await run.WaitAsync(Wait);

        Assert.False(socket.Connected);
        lock (reasons)
        {
            Assert.Equal([SocketIODisconnectReason.ServerShuttingDown], reasons);
        }

        // As after socket.io's io.close(): the client was cut (not told to stay away) and cannot connect again.
        Assert.Equal("transport close", result.GetProperty("reason").GetString());
        Assert.True(result.GetProperty("retryRefused").GetBoolean());
        Assert.Empty(io.MainNamespace.Sockets);
        await io.CloseAsync().WaitAsync(Wait); // closing again completes too
    }

    [Fact]
    public async Task An_async_dynamic_namespace_predicate_sees_the_connect_auth()
    {
        var asked = new List<string>();
        await using var host = await StartAsync(server => server.Of(async (name, auth) =>
        {
            await Task.Yield();
            lock (asked)
            {
                asked.Add(name);
            }

            return name.StartsWith("/tenant-", StringComparison.Ordinal)
                && auth.ValueKind == JsonValueKind.Object
                && auth.TryGetProperty("key", out var key) && key.GetString() == name;
        }));

        var result = await NodeScript.RunAsync("sio-server-api.mjs", host.BaseUrl, "dynamic", "websocket");

        Assert.Equal("connected", result.GetProperty("accepted").GetString());
        Assert.Equal("error:Invalid namespace", result.GetProperty("refused").GetString());
        lock (asked)
        {
            Assert.Equal(["/tenant-a", "/tenant-b"], asked.Order());
        }
    }

    [Fact]
    public async Task Polling_responses_above_the_threshold_are_compressed_as_the_request_allows()
    {
        await using var host = await StartAsync(server => server.MainNamespace.OnConnection(socket => socket.Emit("big", new string('x', 2000))));

        var result = await NodeScript.RunAsync("sio-server-api.mjs", host.BaseUrl, "http-compression");

        // The handshake is below 1,024 bytes: never compressed. The payload with "big" is, gzip first, as engine.io.
        foreach (var (name, encoding) in new[] { ("gzip", "gzip"), ("deflate", "deflate"), ("none", null) })
        {
            var session = result.GetProperty(name);
            Assert.Equal(JsonValueKind.Null, session.GetProperty("handshakeEncoding").ValueKind);
            Assert.Equal(encoding, session.GetProperty("encoding").GetString());
            Assert.True(session.GetProperty("hasBig").GetBoolean(), name);
        }
    }

    [Fact]
    public async Task Polling_compression_can_be_turned_off()
    {
        await using var host = await StartAsync(
            server => server.MainNamespace.OnConnection(socket => socket.Emit("big", new string('x', 2000))),
            options => options.EngineIO.HttpCompression = false);

        var result = await NodeScript.RunAsync("sio-server-api.mjs", host.BaseUrl, "http-compression");

        Assert.Equal(JsonValueKind.Null, result.GetProperty("gzip").GetProperty("encoding").ValueKind);
        Assert.True(result.GetProperty("gzip").GetProperty("hasBig").GetBoolean());
    }

    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "permessage-deflate")]
    public async Task PerMessageDeflate_is_negotiated_with_the_ws_client_only_when_enabled(bool enabled, string expected)
    {
        await using var host = await StartAsync(
            server => server.MainNamespace.OnConnection(socket => socket.Emit("big", new string('x', 5000))),
            options => options.EngineIO.PerMessageDeflate = enabled);

        var result = await NodeScript.RunAsync("sio-server-api.mjs", host.BaseUrl, "deflate");

        // ws reports the accepted extensions ("permessage-deflate" plus any parameters), or "" when none.
        var extensions = result.GetProperty("extensions").GetString()!;
        Assert.Equal(expected, extensions.Split(';')[0]);

        // socket.io-client over WebSocket (ws offers permessage-deflate by default) gets the large event intact.
        Assert.Equal(5000, result.GetProperty("bigLength").GetInt32());
    }

    private static Task<KestrelTestHost> StartAsync(Action<SocketIOServer> configure, Action<SocketIOOptions>? options = null) =>
        StartCoreAsync(configure, options);

    private static async Task<KestrelTestHost> StartCoreAsync(Action<SocketIOServer> configure, Action<SocketIOOptions>? options)
    {
        var host = await KestrelTestHost.StartAsync(
            builder => builder.Services.AddSocketIO(o => options?.Invoke(o)),
            app => app.MapSocketIO("/socket.io"));
        configure(host.Services.GetRequiredService<SocketIOServer>());
        return host;
    }
}
