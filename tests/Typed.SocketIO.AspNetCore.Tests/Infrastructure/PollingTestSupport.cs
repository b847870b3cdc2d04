using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Reflection;
using System.Text;
using Typed.EngineIO;
using Typed.EngineIO.Internal;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>Helpers for the long-polling tests: options, request shorthands, exact error assertions and bounded waits.</summary>
public static class PollingTestSupport
{
    /// <summary>The upper bound of every wait for something that should happen "now".</summary>
    public const int BoundMs = 5000;

    /// <summary>
    /// Pushes the heartbeat out of the way (ping every minute) for tests that are not about it, so a ping or a ping
    /// timeout can never slip into a response or a close reason on a slow machine.
    /// </summary>
    public static void NoHeartbeat(EngineIOOptions options)
    {
        options.PingInterval = TimeSpan.FromMinutes(1);
        options.PingTimeout = TimeSpan.FromMinutes(1);
    }

    public static Task<HttpResponseMessage> GetAsync(this EngineIOTestServer server, string query, Action<HttpRequestMessage>? configure = null) =>
        server.SendAsync(HttpMethod.Get, query, content: null, configure);

    public static Task<HttpResponseMessage> SendAsync(this EngineIOTestServer server, HttpMethod method, string query, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, server.Url(query)) { Content = content };
        configure?.Invoke(request);
        return server.Http.SendAsync(request);
    }

    /// <summary>A polling POST of raw bytes.</summary>
    public static Task<HttpResponseMessage> PostBytesAsync(this EngineIOTestServer server, string sid, byte[] body, string contentType = "text/plain")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return server.Http.PostAsync(server.Url($"EIO=4&transport=polling&sid={sid}"), content);
    }

    /// <summary>POSTs <paramref name="body"/> and asserts the success answer: 200 <c>ok</c>.</summary>
    public static async Task PostOkAsync(this EngineIOTestServer server, string sid, string body)
    {
        using var response = await server.PostAsync(sid, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Asserts an error in the reference's format: the status, JSON, and exactly <c>{"code":N,"message":"…"}</c>.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, int code, string message)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{{\"code\":{code},\"message\":\"{message}\"}}", body);
    }

    /// <summary>Asserts an error status with an empty body (overlaps, invalid content, parse errors).</summary>
    public static async Task AssertEmptyErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A polling GET on <paramref name="sid"/> gets 400 <c>{"code":1,"message":"Session ID unknown"}</c>.</summary>
    public static async Task AssertSessionUnknownAsync(this EngineIOTestServer server, string sid)
    {
        using var response = await server.PollAsync(sid);
        await AssertErrorAsync(response, HttpStatusCode.BadRequest, 1, "Session ID unknown");
    }

    /// <summary>Waits (bounded) until the server holds a long-polling GET open for <paramref name="socket"/>.</summary>
    public static Task WaitForPendingGetAsync(this EngineIOSocket socket, int timeoutMs = BoundMs) =>
        WaitForFieldAsync(socket, "_pendingGet", value => value is not null, "a pending GET", timeoutMs);

    /// <summary>Waits (bounded) until the server is inside a POST for <paramref name="socket"/>.</summary>
    public static Task WaitForPostInProgressAsync(this EngineIOSocket socket, int timeoutMs = BoundMs) =>
        WaitForFieldAsync(socket, "_postInProgress", value => value is true, "a POST in progress", timeoutMs);

    /// <summary>
    /// Waits (bounded) until the session is completely gone (its <see cref="EngineIOSocket.Closed"/> token fires when
    /// the server forgets the sid; for a server close that is after the client was told).
    /// </summary>
    public static async Task WaitUntilForgottenAsync(this EngineIOSocket socket, int timeoutMs = BoundMs)
    {
        var forgotten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = socket.Closed.Register(() => forgotten.TrySetResult());
        await forgotten.Task.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));
    }

    /// <summary>Connects a WebSocket that the server must refuse; returns the HTTP status the server answered.</summary>
    public static async Task<HttpStatusCode> ConnectWebSocketExpectingRefusalAsync(this EngineIOTestServer server, string query, Action<ClientWebSocketOptions>? configure = null)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(BoundMs);
        try
        {
            await socket.ConnectAsync(server.WebSocketUrl(query), timeout.Token);
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }

        Assert.Fail($"The WebSocket handshake for '{query}' was accepted.");
        return default;
    }

    /// <summary>Opens a polling session and upgrades it to WebSocket (2probe, 3probe, 5); returns the sid and the socket.</summary>
    public static async Task<(string Sid, ClientWebSocket Socket)> HandshakeAndUpgradeAsync(this EngineIOTestServer server)
    {
        var sid = await server.HandshakeAsync();
        var socket = await server.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}");
        await socket.SendTextAsync("2probe");
        Assert.Equal("3probe", await socket.ReceiveTextAsync());
        await socket.SendTextAsync("5");
        var session = server.Handler.Socket(sid);
        var deadline = Stopwatch.StartNew();
        while (session.Transport != EngineIOTransport.WebSocket)
        {
            Assert.True(deadline.ElapsedMilliseconds < BoundMs, "The session did not switch to WebSocket.");
            await Task.Delay(10);
        }

        return (sid, socket);
    }

    private static async Task WaitForFieldAsync(EngineIOSocket socket, string fieldName, Func<object?, bool> condition, string what, int timeoutMs)
    {
        // The transport's private state is the only exact signal that a request has reached it; polling a field beats
        // guessing with a sleep on a slow machine.
        var transport = ((EngineIOSession)socket).CurrentTransport;
        var field = transport.GetType().GetField(fieldName, BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.True(field is not null, $"{transport.GetType().Name} has no field {fieldName}; update {nameof(PollingTestSupport)}.");
        var elapsed = Stopwatch.StartNew();
        while (!condition(field.GetValue(transport)))
        {
            Assert.True(elapsed.ElapsedMilliseconds < timeoutMs, $"Timed out after {timeoutMs} ms waiting for {what}.");
            await Task.Delay(10);
        }
    }
}

/// <summary>
/// A request body written in two parts: the first at once, the second only after <see cref="Release"/>. With
/// <c>announceLength: false</c> it goes out chunked (no Content-Length).
/// </summary>
public sealed class GatedContent(byte[] first, byte[] rest, bool announceLength) : HttpContent
{
    private readonly TaskCompletionSource _firstWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GatedContent(string first, string rest, bool announceLength)
        : this(Encoding.UTF8.GetBytes(first), Encoding.UTF8.GetBytes(rest), announceLength)
    {
    }

    /// <summary>Completes once the first part has been handed to the connection.</summary>
    public Task FirstWritten => _firstWritten.Task;

    /// <summary>Lets the second part go.</summary>
    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(first);
        await stream.FlushAsync();
        _firstWritten.TrySetResult();
        await _release.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await stream.WriteAsync(rest);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = first.Length + rest.Length;
        return announceLength;
    }
}
