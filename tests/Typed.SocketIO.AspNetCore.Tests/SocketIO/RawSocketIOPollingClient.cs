using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// A Socket.IO client over Engine.IO long-polling, by hand: POSTs payloads, GETs what the server queued. It does not
/// answer pings on its own (a GET may carry one), so tests using it set a long ping interval.
/// </summary>
public sealed class RawSocketIOPollingClient : IAsyncDisposable
{
    private readonly SocketIOTestServer _server;

    private RawSocketIOPollingClient(SocketIOTestServer server, string sid)
    {
        _server = server;
        EngineSid = sid;
    }

    /// <summary>The Engine.IO session id.</summary>
    public string EngineSid { get; }

    /// <summary>Handshakes (<c>GET ?EIO=4&amp;transport=polling</c>) and reads the open packet.</summary>
    public static async Task<RawSocketIOPollingClient> ConnectAsync(SocketIOTestServer server)
    {
        using var timeout = new CancellationTokenSource(SocketIOTestServer.BoundMs);
        using var response = await server.Http.GetAsync(server.Url("EIO=4&transport=polling"), timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{", body);
        using var json = JsonDocument.Parse(body.AsMemory(1));
        return new RawSocketIOPollingClient(server, json.RootElement.GetProperty("sid").GetString()!);
    }

    private Uri SessionUrl => _server.Url($"EIO=4&transport=polling&sid={EngineSid}");

    /// <summary>POSTs <paramref name="packets"/> (joined with the record separator) and asserts 200 <c>ok</c>.</summary>
    public async Task PostAsync(params string[] packets)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join('\x1e', packets)));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        using var timeout = new CancellationTokenSource(SocketIOTestServer.BoundMs);
        using var response = await _server.Http.PostAsync(SessionUrl, content, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(timeout.Token));
    }

    /// <summary>Starts a GET (it is held open until the server has something); await it with <see cref="ReadPollAsync"/>.</summary>
    public Task<HttpResponseMessage> StartPoll() => _server.Http.GetAsync(SessionUrl);

    /// <summary>The packets of a GET's answer, split on the record separator.</summary>
    public static async Task<string[]> ReadPollAsync(Task<HttpResponseMessage> poll, int timeoutMs = SocketIOTestServer.BoundMs)
    {
        using var response = await poll.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET answered {(int)response.StatusCode}: {body}");
        return body.Split('\x1e');
    }

    /// <summary>One GET: the packets the server had queued (or queues next).</summary>
    public Task<string[]> PollAsync(int timeoutMs = SocketIOTestServer.BoundMs) => ReadPollAsync(StartPoll(), timeoutMs);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var content = new StringContent("1");
            using var timeout = new CancellationTokenSource(2000);
            using var response = await _server.Http.PostAsync(SessionUrl, content, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
