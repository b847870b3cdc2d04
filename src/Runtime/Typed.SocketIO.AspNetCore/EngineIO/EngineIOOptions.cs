using Microsoft.AspNetCore.Http;

namespace Typed.EngineIO;

/// <summary>
/// Options of an Engine.IO endpoint. Defaults match the JavaScript reference server (engine.io 6.x), except where a
/// safer default is named: the Origin allow-list (same-origin unless configured) and the limits at the end.
/// </summary>
public sealed class EngineIOOptions
{
    /// <summary>How often the server pings the client. Default 25 s.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromMilliseconds(25_000);

    /// <summary>How long the server waits for a pong after a ping before closing the session. Default 20 s.</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromMilliseconds(20_000);

    /// <summary>How long an upgrade to WebSocket may take before the probe socket is closed. Default 10 s.</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromMilliseconds(10_000);

    /// <summary>
    /// The largest message or POST body accepted, in bytes; advertised to clients as <c>maxPayload</c>. A larger POST
    /// gets HTTP 413 and a larger WebSocket message closes the socket with 1009. Default 1e6.
    /// </summary>
    public long MaxHttpBufferSize { get; set; } = 1_000_000;

    /// <summary>The transports accepted. Default both.</summary>
    public EngineIOTransports Transports { get; set; } = EngineIOTransports.All;

    /// <summary>Whether polling sessions may upgrade to WebSocket. Default true.</summary>
    public bool AllowUpgrades { get; set; } = true;

    /// <summary>
    /// A hook that accepts or rejects each handshake (a request without a session id), sync or async:
    /// <c>o.AllowRequest = ctx =&gt; AllowRequestResult.Reject("no")</c>. A rejection gets HTTP 403 with code 4 and the
    /// given message. Set <see cref="AllowRequestOnUpgrade"/> to run it on WebSocket upgrades too.
    /// </summary>
    public Func<HttpContext, ValueTask<AllowRequestResult>>? AllowRequest { get; set; }

    /// <summary>Also run <see cref="AllowRequest"/> when a session upgrades to WebSocket. Default false, as in the reference.</summary>
    public bool AllowRequestOnUpgrade { get; set; }

    /// <summary>
    /// Origins (scheme://host[:port]) allowed to open a session or upgrade one, checked on the handshake and the
    /// WebSocket upgrade. Browsers do not apply CORS to WebSockets, so this is what stops cross-site WebSocket
    /// hijacking. When empty and <see cref="AllowAnyOrigin"/> is false, only same-origin requests are allowed.
    /// A refused polling handshake gets 403 code 4; a refused WebSocket gets 403 before the 101.
    /// </summary>
    public IList<string> AllowedOrigins { get; private set; } = new List<string>();

    /// <summary>Skip the Origin check entirely. Default false.</summary>
    public bool AllowAnyOrigin { get; set; }

    /// <summary>Allow requests that carry no Origin header (non-browser clients). Default true.</summary>
    public bool AllowRequestsWithoutOrigin { get; set; } = true;

    /// <summary>
    /// When set, the handshake response sets a cookie holding the session id, for sticky load balancers.
    /// Off by default, as in the reference.
    /// </summary>
    public EngineIOCookieOptions? Cookie { get; set; }

    /// <summary>
    /// The most packets one long-polling POST may carry; more is a parse error that closes the session. Bounds the
    /// work a single 1 MB body can cause (the reference has no cap). Default 10,000.
    /// </summary>
    public int MaxPacketsPerPayload { get; set; } = 10_000;

    /// <summary>
    /// The most sessions the endpoint holds at once; past it a handshake gets 503 <c>{"code":4,"message":"Too many
    /// sessions"}</c> (clients retry with backoff). Default 100,000.
    /// </summary>
    public int MaxSessions { get; set; } = 100_000;

    /// <summary>
    /// The most sessions one client address may hold; null (the default) for no per-address limit, since clients
    /// behind one proxy share an address.
    /// </summary>
    public int? MaxSessionsPerAddress { get; set; }

    /// <summary>
    /// The most bytes that may wait to be sent to one session; past it the session closes (<c>transport error</c>).
    /// Bounds the memory a client that stops reading can make the server hold. Default 16 MiB.
    /// </summary>
    public long MaxBufferedBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// The most empty WebSocket fragments one message may use after its first frame (an idle socket waits for that
    /// frame without a buffer, so it is not counted); more closes the socket with 1008. Default 1,024.
    /// </summary>
    public int MaxEmptyFragmentsPerMessage { get; set; } = 1_024;

    /// <summary>
    /// How long a session closed by the server waits for the client's next GET to tell it so, before it is
    /// discarded. Default 30 s, as in the reference.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a WebSocket may use the permessage-deflate extension (RFC 7692) when the client offers it (engine.io's
    /// <c>perMessageDeflate</c>). Off by default, as in engine.io: compression costs CPU and memory per connection
    /// (a zlib context each way). Negotiated in the handshake from the client's offer (its window bits and context
    /// takeover parameters are honoured; an offer .NET cannot serve, such as a window of 8 bits, is declined and the
    /// connection goes uncompressed).
    /// </summary>
    public bool PerMessageDeflate { get; set; }

    /// <summary>
    /// With <see cref="PerMessageDeflate"/>, messages shorter than this many bytes are sent uncompressed (engine.io's
    /// <c>perMessageDeflate.threshold</c>). Default 1,024, as in engine.io.
    /// </summary>
    public int PerMessageDeflateThreshold { get; set; } = 1_024;

    /// <summary>
    /// Whether polling responses are compressed (gzip or deflate, as the request's Accept-Encoding allows) when they
    /// reach <see cref="HttpCompressionThreshold"/> (engine.io's <c>httpCompression</c>). On by default, as in engine.io.
    /// </summary>
    public bool HttpCompression { get; set; } = true;

    /// <summary>The smallest polling response, in bytes, that <see cref="HttpCompression"/> compresses. Default 1,024, as in engine.io.</summary>
    public int HttpCompressionThreshold { get; set; } = 1_024;

    internal EngineIOOptions Clone()
    {
        var clone = (EngineIOOptions)MemberwiseClone();
        clone.AllowedOrigins = new List<string>(AllowedOrigins);
        clone.Cookie = Cookie?.Clone();
        return clone;
    }
}
