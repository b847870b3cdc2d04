using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Bench.LoadGen;

/// <summary>
/// One HTTP long-polling session with hand-built bodies: Engine.IO polling (packets joined by 0x1E) for Socket.IO,
/// the long-polling transport for SignalR. One POST and one GET at most in flight, as the real clients do.
/// </summary>
public abstract class PollingSession
{
    private readonly List<Kind> _kinds = new(128);

    protected PollingSession(HttpClient http, Protocol protocol)
    {
        Http = http;
        Protocol = protocol;
    }

    protected HttpClient Http { get; }

    protected Protocol Protocol { get; }

    protected abstract Uri SessionUri { get; }

    /// <summary>The Engine.IO session id (or SignalR connection token), for an upgrade.</summary>
    public abstract string Id { get; }

    /// <summary>A heartbeat arrived and must be answered (by the caller, when no POST is in flight).</summary>
    public bool PongDue { get; private set; }

    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = 1024,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    { Timeout = TimeSpan.FromSeconds(60) };

    public static Task<PollingSession> OpenAsync(Protocol protocol, HttpClient http, int port, CancellationToken cancellationToken) =>
        protocol is SocketIOProtocol ? EngineIOPolling.OpenAsync(http, port, cancellationToken)
        : protocol is SignalRProtocol ? SignalRLongPolling.OpenAsync(http, port, cancellationToken)
        : throw new NotSupportedException($"{protocol.Name} has no polling transport");

    public async Task PostAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        using var response = await Http.PostAsync(SessionUri, content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>One GET: returns how many replies it carried and adds the data records to <paramref name="data"/>.</summary>
    public async Task<int> PollAsync(CancellationToken cancellationToken, Action<Kind>? onOther = null)
    {
        using var response = await Http.GetAsync(SessionUri, HttpCompletionOption.ResponseContentRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        _kinds.Clear();
        ClassifyBody(body, _kinds);
        var replies = 0;
        foreach (var kind in _kinds)
        {
            if (kind == Kind.Reply)
            {
                replies++;
            }
            else if (kind == Kind.Ping)
            {
                PongDue = true;
            }
            else
            {
                onOther?.Invoke(kind);
            }
        }

        return replies;
    }

    public async Task AnswerPingAsync(CancellationToken cancellationToken)
    {
        if (PongDue)
        {
            PongDue = false;
            await PostAsync(Protocol.Pong, cancellationToken);
        }
    }

    protected abstract void ClassifyBody(ReadOnlySpan<byte> body, List<Kind> kinds);

    /// <summary>Joins requests into one POST body the way the protocol's client batches them.</summary>
    public abstract byte[] Batch(IReadOnlyList<byte[]> requests);

    private sealed class EngineIOPolling(HttpClient http, int port, string sid) : PollingSession(http, SocketIOProtocol.Instance)
    {
        protected override Uri SessionUri { get; } = new($"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling&sid={sid}");

        public override string Id => sid;

        public static async Task<PollingSession> OpenAsync(HttpClient http, int port, CancellationToken cancellationToken)
        {
            var open = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"), cancellationToken);
            if (!open.StartsWith('0'))
            {
                throw new InvalidOperationException($"unexpected handshake: {open}");
            }

            var sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;
            var session = new EngineIOPolling(http, port, sid);
            await session.PostAsync("40"u8.ToArray(), cancellationToken);
            var connected = false;
            while (!connected)
            {
                await session.PollAsync(cancellationToken, kind => connected |= kind == Kind.Connected);
                await session.AnswerPingAsync(cancellationToken);
            }

            return session;
        }

        protected override void ClassifyBody(ReadOnlySpan<byte> body, List<Kind> kinds)
        {
            while (!body.IsEmpty)
            {
                var end = body.IndexOf((byte)0x1e);
                Protocol.Classify(end < 0 ? body : body[..end], kinds);
                body = end < 0 ? default : body[(end + 1)..];
            }
        }

        public override byte[] Batch(IReadOnlyList<byte[]> requests)
        {
            var length = requests.Count - 1;
            foreach (var request in requests)
            {
                length += request.Length;
            }

            var body = new byte[length];
            var offset = 0;
            foreach (var request in requests)
            {
                if (offset > 0)
                {
                    body[offset++] = 0x1e;
                }

                request.CopyTo(body, offset);
                offset += request.Length;
            }

            return body;
        }
    }

    private sealed class SignalRLongPolling(HttpClient http, int port, string token) : PollingSession(http, SignalRProtocol.Instance)
    {
        protected override Uri SessionUri { get; } = new($"http://127.0.0.1:{port}/hub?id={Uri.EscapeDataString(token)}");

        public override string Id => token;

        public static async Task<PollingSession> OpenAsync(HttpClient http, int port, CancellationToken cancellationToken)
        {
            var token = await NegotiateAsync(http, port, cancellationToken);
            var session = new SignalRLongPolling(http, port, token);
            var connected = false;

            // The first poll returns at once (it only activates the connection); then the handshake goes out.
            await session.PollAsync(cancellationToken, kind => connected |= kind == Kind.Connected);
            await session.PostAsync(SignalRProtocol.Instance.Hello!, cancellationToken);
            while (!connected)
            {
                await session.PollAsync(cancellationToken, kind => connected |= kind == Kind.Connected);
            }

            return session;
        }

        protected override void ClassifyBody(ReadOnlySpan<byte> body, List<Kind> kinds) => Protocol.Classify(body, kinds);

        public override byte[] Batch(IReadOnlyList<byte[]> requests) => [.. requests.SelectMany(r => r)];
    }

    /// <summary>SignalR's negotiate: returns the connection token for the transport request.</summary>
    public static async Task<string> NegotiateAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/hub/negotiate?negotiateVersion=1"), null, cancellationToken);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return JsonDocument.Parse(json).RootElement.GetProperty("connectionToken").GetString()!;
    }
}
