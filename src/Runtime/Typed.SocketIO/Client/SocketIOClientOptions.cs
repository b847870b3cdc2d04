using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Client;

/// <summary>
/// Options of a <see cref="SocketIOClient"/>: how it reaches the server and how it reconnects. Defaults match
/// socket.io-client 4.x.
/// </summary>
public sealed class SocketIOClientOptions
{
    /// <summary>The endpoint path. Default <c>/socket.io/</c>.</summary>
    public string Path { get; set; } = "/socket.io/";

    /// <summary>The transports allowed. Default both: the session opens on polling and upgrades to WebSocket.</summary>
    public EngineIOTransports Transports { get; set; } = EngineIOTransports.Polling | EngineIOTransports.WebSocket;

    /// <summary>Whether a polling session upgrades to WebSocket when the server offers it. Default true.</summary>
    public bool Upgrade { get; set; } = true;

    /// <summary>
    /// After a session of this client has reached WebSocket (by upgrade or directly), the next ones (reconnections)
    /// open on WebSocket at once, skipping polling (engine.io-client's <c>rememberUpgrade</c>). If that WebSocket
    /// fails, the attempt after it starts with polling again. Default false, as in socket.io-client; remembered per
    /// client, not per process.
    /// </summary>
    public bool RememberUpgrade { get; set; }

    /// <summary>Extra query parameters sent with every request.</summary>
    public IDictionary<string, string> Query { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra headers sent with every request (polling requests and the WebSocket handshake).</summary>
    public IDictionary<string, string> ExtraHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Produces headers (a bearer token, say) for each connection attempt, the first and every reconnection; they are
    /// added to <see cref="ExtraHeaders"/> for that connection's requests and WebSocket handshake. When the server
    /// refuses a handshake with HTTP 401 or 403, the client asks again at once: different headers are tried (after the
    /// usual reconnection delay), the same ones end the attempts with the refusal (see
    /// <see cref="SocketIOConnectException.HttpStatusCode"/>). Without a provider such a refusal is never retried.
    /// </summary>
    public Func<CancellationToken, ValueTask<IReadOnlyDictionary<string, string>>>? ExtraHeadersProvider { get; set; }

    /// <summary>
    /// Where the client logs (connections, upgrades, reconnection attempts, refusals, protocol errors); null logs
    /// nothing. Categories: <c>Typed.SocketIO.Client.SocketIOClient</c>.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// The handler every HTTP request and WebSocket handshake goes through (certificates, cookies, a proxy…); null for
    /// a default one. A <see cref="SocketsHttpHandler"/> serves both transports. The client does not dispose it.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>A proxy for both transports when no <see cref="HttpMessageHandler"/> is given; null for the system default.</summary>
    public IWebProxy? Proxy { get; set; }

    /// <summary>How long opening a connection may take before it fails with <c>timeout</c>. Default 20 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Whether a lost connection (or a failed first one) is retried. Default true.</summary>
    public bool Reconnection { get; set; } = true;

    /// <summary>How many reconnection attempts are made before giving up. Default unlimited.</summary>
    public int ReconnectionAttempts { get; set; } = int.MaxValue;

    /// <summary>The first reconnection delay; each attempt doubles it, up to <see cref="ReconnectionDelayMax"/>. Default 1 s.</summary>
    public TimeSpan ReconnectionDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between two reconnection attempts. Default 5 s.</summary>
    public TimeSpan ReconnectionDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The jitter: each delay moves by up to this fraction of itself, up or down. Default 0.5.</summary>
    public double RandomizationFactor { get; set; } = 0.5;

    /// <summary>The wire encoding; the server must use the same. Default <see cref="SocketIOParser.Json"/>.</summary>
    public SocketIOParser Parser { get; set; } = SocketIOParser.Json;

    /// <summary>
    /// How arguments and auth payloads are (de)serialized. The default knows only the built-in types (strings,
    /// numbers, <see cref="JsonElement"/>…); add yours with <see cref="UseJson"/> (a source-generated context keeps
    /// the client AOT-safe).
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = SocketIOJson.CreateDefaultOptions();

    /// <summary>
    /// Whether the error acknowledgement the client sends when one of its handlers throws carries the exception's
    /// message. Default false: the server reads only "An error occurred while handling '&lt;event&gt;'.", and the
    /// exception goes to <see cref="SocketIOClient.HandlerFailed"/>. Binding errors always name the parameter.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Bounds on what the server's packets may make the client hold (attachments, depth…).</summary>
    public SocketIOParserLimits ParserLimits { get; set; } = new();

    /// <summary>
    /// Most handlers of one socket running at once. Events always <em>start</em> in arrival order; a handler that
    /// awaits keeps its slot, and the next events start meanwhile while slots remain. Default unbounded
    /// (<see cref="int.MaxValue"/>), as socket.io-client dispatches each event as it arrives: a handler that awaits
    /// the server's acknowledgement (<c>EmitWithAckAsync</c>) never holds back the events and acknowledgements that
    /// follow. 1 runs one handler at a time, each finishing before the next starts; events past the limit then wait
    /// in the socket's queue (<see cref="MaxQueuedEventsPerSocket"/>).
    /// </summary>
    public int MaxParallelHandlersPerSocket { get; set; } = int.MaxValue;

    /// <summary>
    /// Most received events of one socket waiting for a free handler slot (only with a finite
    /// <see cref="MaxParallelHandlersPerSocket"/>). The client never stops reading to wait for its handlers (the
    /// acknowledgements and pings they wait for arrive on the same connection): an event past the limit is dropped and
    /// reported through <see cref="SocketIOClient.HandlerFailed"/>. Connect and disconnect notifications are never
    /// dropped. Default 1,024.
    /// </summary>
    public int MaxQueuedEventsPerSocket { get; set; } = 1024;

    /// <summary>
    /// Most bytes of one socket's received events not yet finished, waiting or running: each counts its payload and
    /// attachments plus 256 bytes. An event past it is dropped and reported through
    /// <see cref="SocketIOClient.HandlerFailed"/>, so a server cannot make a slow handler pin unbounded memory.
    /// Default 16 MiB.
    /// </summary>
    public long MaxQueuedBytesPerSocket { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// The largest message the server may send, in bytes: one WebSocket message, or one long-polling response (which
    /// may batch several packets; binary travels there as base64, a third larger). A larger one closes the connection
    /// with <see cref="SocketIOClientDisconnectReason.ParseError"/> as soon as the limit is crossed, before it is
    /// buffered, so a misbehaving server cannot make the client allocate without bound; the client then reconnects as
    /// after any parse error. Default 100 MiB, the Node <c>ws</c> client's <c>maxPayload</c>.
    /// </summary>
    /// <remarks>
    /// The server's <c>maxPayload</c> from the Engine.IO handshake is not used here: it is the most the server accepts
    /// (its <c>maxHttpBufferSize</c>, 1 MB by default), not the most it sends, and socket.io servers routinely emit
    /// larger messages than they accept. The client still splits its own POSTs by it.
    /// </remarks>
    public long MaxIncomingMessageBytes { get; set; } = DefaultMaxIncomingMessageBytes;

    internal const long DefaultMaxIncomingMessageBytes = 100L * 1024 * 1024;

    /// <summary>Serializes arguments with <paramref name="context"/>'s metadata, then the built-in types.</summary>
    public SocketIOClientOptions UseJson(JsonSerializerContext context)
    {
        JsonSerializerOptions = SocketIOJson.CreateOptions(context);
        return this;
    }

    internal void Validate()
    {
        if ((Transports & (EngineIOTransports.Polling | EngineIOTransports.WebSocket)) == 0)
        {
            throw new ArgumentException("At least one transport must be allowed.", nameof(Transports));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectionAttempts, 0, nameof(ReconnectionAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectionDelay, TimeSpan.Zero, nameof(ReconnectionDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectionDelayMax, ReconnectionDelay, nameof(ReconnectionDelayMax));
        if (RandomizationFactor is < 0 or > 1 || double.IsNaN(RandomizationFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(RandomizationFactor), RandomizationFactor, "The randomization factor is between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelHandlersPerSocket, 1, nameof(MaxParallelHandlersPerSocket));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedEventsPerSocket, 1, nameof(MaxQueuedEventsPerSocket));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedBytesPerSocket, 1, nameof(MaxQueuedBytesPerSocket));

        // The reader assembles a message in one array, so the limit also has to fit one.
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIncomingMessageBytes, 1, nameof(MaxIncomingMessageBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxIncomingMessageBytes, Array.MaxLength - 1, nameof(MaxIncomingMessageBytes));
        ArgumentNullException.ThrowIfNull(JsonSerializerOptions, nameof(JsonSerializerOptions));
        ArgumentNullException.ThrowIfNull(ParserLimits, nameof(ParserLimits));
    }
}
