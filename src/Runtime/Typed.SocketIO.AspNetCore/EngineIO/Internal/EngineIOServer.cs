using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Typed.EngineIO.Internal.Transports;

namespace Typed.EngineIO.Internal;

/// <summary>
/// One Engine.IO endpoint: validates each request in the reference server's order, opens sessions, and routes
/// requests that carry a <c>sid</c> to their session.
/// </summary>
internal sealed class EngineIOServer
{
    private const int MaxSidLength = 64;

    private readonly ConcurrentDictionary<string, EngineIOSession> _sessions = new(StringComparer.Ordinal);
    private readonly OriginPolicy _originPolicy;
    private readonly ConcurrentDictionary<System.Net.IPAddress, int> _sessionsPerAddress = new();

    // Closed polling sessions that still owe the GET racing the client's close packet its noop; they no longer count
    // against MaxSessions and leave after EngineIOSession.ClientCloseGrace at the latest.
    private readonly ConcurrentDictionary<string, EngineIOSession> _inCloseGrace = new(StringComparer.Ordinal);

    // WebSocket requests still running: their connection is held until the request returns or is aborted.
    private int _webSocketConnections;

    public EngineIOServer(EngineIOOptions options, EngineIOHandler handler, ILogger logger)
    {
        Options = options;
        Handler = handler;
        Logger = logger;
        _originPolicy = new OriginPolicy(options);
    }

    public EngineIOOptions Options { get; }

    public EngineIOHandler Handler { get; }

    public ILogger Logger { get; }

    public void Remove(EngineIOSession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, EngineIOSession>(session.Id, session)) && Options.MaxSessionsPerAddress is not null
            && session.Handshake.RemoteAddress is { } address)
        {
            _sessionsPerAddress.AddOrUpdate(address, 0, static (_, count) => count - 1);
            _sessionsPerAddress.TryRemove(new KeyValuePair<System.Net.IPAddress, int>(address, 0));
        }
    }

    /// <summary>Sessions open or closing (the ones <see cref="EngineIOOptions.MaxSessions"/> counts).</summary>
    internal int SessionCount => _sessions.Count;

    /// <summary>Closed polling sessions still answering the GET that raced their client's close.</summary>
    internal int CloseGraceCount => _inCloseGrace.Count;

    /// <summary>WebSocket connections whose request has not returned yet, probes included.</summary>
    internal int WebSocketConnectionCount => Volatile.Read(ref _webSocketConnections);

    public void KeepForCloseGrace(EngineIOSession session) => _inCloseGrace[session.Id] = session;

    public void EndCloseGrace(EngineIOSession session) =>
        _inCloseGrace.TryRemove(new KeyValuePair<string, EngineIOSession>(session.Id, session));

    /// <summary>Closes every session (reason <c>forced close</c>), as on application shutdown.</summary>
    public void CloseAll()
    {
        foreach (var session in _sessions.Values)
        {
            session.Close();
        }
    }

    public async Task HandleRequestAsync(HttpContext context)
    {
        var request = context.Request;
        if (!TryGetSingle(request.Query, "transport", out var transportName)
            || !TryGetSingle(request.Query, "EIO", out var protocol)
            || !TryGetSingle(request.Query, "sid", out var sid))
        {
            // Duplicate keys: two layers could otherwise read two different values.
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        if (!TryParseTransport(transportName, out var transport))
        {
            await RejectAsync(context, EngineIOErrors.UnknownTransport).ConfigureAwait(false);
            return;
        }

        if (OriginPolicy.HasInvalidCharacters(request.Headers.Origin))
        {
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        var isWebSocketRequest = context.WebSockets.IsWebSocketRequest;
        if (transport == EngineIOTransport.Polling && isWebSocketRequest)
        {
            // A WebSocket handshake for the polling transport: refused before the 101.
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        if (transport == EngineIOTransport.WebSocket && !isWebSocketRequest)
        {
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        if (sid is not null)
        {
            await HandleSessionRequestAsync(context, sid, transport).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsGet(request.Method))
        {
            await RejectAsync(context, EngineIOErrors.BadHandshakeMethod).ConfigureAwait(false);
            return;
        }

        if (!await IsAllowedAsync(context, isUpgrade: false).ConfigureAwait(false))
        {
            return;
        }

        if (protocol != EngineIOProtocol.Version)
        {
            await RejectAsync(context, EngineIOErrors.UnsupportedProtocolVersion).ConfigureAwait(false);
            return;
        }

        if (!Handler.AcceptsSessions)
        {
            // The application closed its server (io.CloseAsync()): as socket.io after io.close(), no new session.
            await RejectAsync(context, EngineIOErrors.Forbidden, "Server closed", StatusCodes.Status503ServiceUnavailable).ConfigureAwait(false);
            return;
        }

        if (!HasRoomForSession(context.Connection.RemoteIpAddress))
        {
            // BAD-INPUTS F1: a flood of handshakes that never poll would otherwise hold ~45 s of sessions each.
            await RejectAsync(context, EngineIOErrors.Forbidden, "Too many sessions", StatusCodes.Status503ServiceUnavailable).ConfigureAwait(false);
            return;
        }

        if (transport == EngineIOTransport.Polling)
        {
            await OpenPollingSessionAsync(context).ConfigureAwait(false);
        }
        else
        {
            await OpenWebSocketSessionAsync(context).ConfigureAwait(false);
        }
    }

    private async Task HandleSessionRequestAsync(HttpContext context, string sid, EngineIOTransport transport)
    {
        if (sid.Length > MaxSidLength
            || !(_sessions.TryGetValue(sid, out var session) || _inCloseGrace.TryGetValue(sid, out session))
            || session.CloseIfHeartbeatExpired())
        {
            // A session past its heartbeat deadline is gone, whether or not its timer has run yet.
            await RejectAsync(context, EngineIOErrors.UnknownSid).ConfigureAwait(false);
            return;
        }

        if (transport == EngineIOTransport.WebSocket)
        {
            if (!await IsAllowedAsync(context, isUpgrade: true).ConfigureAwait(false))
            {
                return;
            }

            if (await WebSocketAcceptor.TryAcceptAsync(context, Options).ConfigureAwait(false) is not var (webSocket, batching))
            {
                return;
            }

            // The reader (and its pooled buffer) lives as long as this request: the probe, then the transport.
            using var reader = new WebSocketMessageReader(webSocket, Options.MaxHttpBufferSize, Options.MaxEmptyFragmentsPerMessage);
            var probe = new WebSocketTransport(session, webSocket, batching, reader, context);
            await RunWebSocketRequestAsync(probe, () => session.MaybeUpgradeAsync(probe)).ConfigureAwait(false);
            return;
        }

        if (session.CurrentTransport is not PollingTransport polling)
        {
            // A polling request for a session now on WebSocket; the session itself is left alone.
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
            return;
        }

        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            await polling.HandleGetAsync(context).ConfigureAwait(false);
        }
        else if (HttpMethods.IsPost(method))
        {
            await polling.HandlePostAsync(context).ConfigureAwait(false);
        }
        else
        {
            // The reference answers 500 here; a client error is not a server fault.
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
        }
    }

    /// <summary>The Origin allow-list, then the application's <see cref="EngineIOOptions.AllowRequest"/> hook.</summary>
    private async ValueTask<bool> IsAllowedAsync(HttpContext context, bool isUpgrade)
    {
        if (!_originPolicy.IsAllowed(context.Request))
        {
            await RejectAsync(context, EngineIOErrors.Forbidden, "Origin not allowed").ConfigureAwait(false);
            return false;
        }

        if (Options.AllowRequest is not { } allowRequest || (isUpgrade && !Options.AllowRequestOnUpgrade))
        {
            return true;
        }

        AllowRequestResult verdict;
        try
        {
            verdict = await allowRequest(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // BAD-INPUTS A7: a failing hook refuses the request as "Bad request"; its exception stays in the log.
            EngineIOLog.AllowRequestFailed(Logger, ex, context.Request.Path);
            await RejectAsync(context, EngineIOErrors.BadRequest).ConfigureAwait(false);
            return false;
        }

        if (verdict.IsAllowed)
        {
            return true;
        }

        await RejectAsync(context, EngineIOErrors.Forbidden, verdict.Message ?? EngineIOErrors.DefaultMessage(EngineIOErrors.Forbidden)).ConfigureAwait(false);
        return false;
    }

    private async Task OpenPollingSessionAsync(HttpContext context)
    {
        var session = CreateSession(context, static session => new PollingTransport(session)).Session;
        await session.DeliverOpenedAsync().ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain; charset=UTF-8";
        response.Headers.CacheControl = "no-store";
        SetSessionCookie(context, session.Id);
        var open = WriteOpenPacket(session.Id, upgrades: Options.AllowUpgrades && (Options.Transports & EngineIOTransports.WebSocket) != 0);
        response.ContentLength = open.WrittenCount;

        // The heartbeat starts before the client can read the open packet, as in the reference: a client that waits
        // pingInterval + pingTimeout from the handshake must find the session past its deadline.
        session.StartHeartbeat();
        await response.Body.WriteAsync(open.WrittenMemory).ConfigureAwait(false);
    }

    private async Task OpenWebSocketSessionAsync(HttpContext context)
    {
        if (await WebSocketAcceptor.TryAcceptAsync(context, Options).ConfigureAwait(false) is not var (webSocket, batching))
        {
            return;
        }

        using var reader = new WebSocketMessageReader(webSocket, Options.MaxHttpBufferSize, Options.MaxEmptyFragmentsPerMessage);
        var transport = CreateSession(context, session => new WebSocketTransport(session, webSocket, batching, reader, context));
        await RunWebSocketRequestAsync(transport, () => RunWebSocketSessionAsync(transport, webSocket)).ConfigureAwait(false);
    }

    private async Task RunWebSocketSessionAsync(WebSocketTransport transport, WebSocket webSocket)
    {
        var session = transport.Session;
        await session.DeliverOpenedAsync().ConfigureAwait(false);

        // Started before the open packet leaves, as on polling; a ping due meanwhile waits in the outbox for the writer.
        session.StartHeartbeat();
        try
        {
            // The open packet is the first frame; whatever the application queued in OnOpenedAsync follows it.
            var open = WriteOpenPacket(session.Id, upgrades: false);
            await webSocket.SendAsync(open.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, transport.WriteAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            session.CloseCore(EngineIOCloseReason.TransportClose);
            return;
        }

        await transport.RunAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a WebSocket request to its end, then tells <paramref name="transport"/> that its request is over, so a
    /// late abort never touches an HttpContext that Kestrel may be reusing.
    /// </summary>
    private async Task RunWebSocketRequestAsync(WebSocketTransport transport, Func<Task> run)
    {
        Interlocked.Increment(ref _webSocketConnections);
        try
        {
            await run().ConfigureAwait(false);
        }
        finally
        {
            transport.OnRequestEnded();
            Interlocked.Decrement(ref _webSocketConnections);
        }
    }

    /// <summary>Opens and registers a session carried by the transport <paramref name="createTransport"/> makes for it.</summary>
    /// <returns>That transport; its <see cref="EngineIOTransportBase.Session"/> is the new session.</returns>
    private TTransport CreateSession<TTransport>(HttpContext context, Func<EngineIOSession, TTransport> createTransport)
        where TTransport : EngineIOTransportBase
    {
        var handshake = new EngineIOHandshake(context, DateTimeOffset.UtcNow);
        var binaryAsBase64 = context.Request.Query["b64"] == "1";
        while (true)
        {
            var session = new EngineIOSession(this, NewSessionId(), handshake, binaryAsBase64, createTransport);
            if (_sessions.TryAdd(session.Id, session))
            {
                if (Options.MaxSessionsPerAddress is not null && handshake.RemoteAddress is { } address)
                {
                    _sessionsPerAddress.AddOrUpdate(address, 1, static (_, count) => count + 1);
                }

                EngineIOLog.SessionOpened(Logger, session.Id, session.Transport);

                // Nobody knows the sid yet, so nothing can have upgraded the session: this is the transport just made.
                return (TTransport)session.CurrentTransport;
            }
        }
    }

    private bool HasRoomForSession(System.Net.IPAddress? address)
    {
        if (_sessions.Count >= Options.MaxSessions)
        {
            return false;
        }

        return Options.MaxSessionsPerAddress is not int perAddress || address is null
            || !_sessionsPerAddress.TryGetValue(address, out var count) || count < perAddress;
    }

    /// <summary>20 characters of base64url from 15 random bytes, like the reference's ids, but unpredictable.</summary>
    private static string NewSessionId()
    {
        Span<byte> bytes = stackalloc byte[15];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// <c>0{"sid":…,"upgrades":[…],"pingInterval":…,"pingTimeout":…,"maxPayload":…}</c>: exactly these five keys,
    /// in this order; clients' test suites reject any other.
    /// </summary>
    private ArrayBufferWriter<byte> WriteOpenPacket(string sid, bool upgrades)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        buffer.GetSpan(1)[0] = (byte)'0';
        buffer.Advance(1);
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartObject();
        writer.WriteString("sid", sid);
        writer.WriteStartArray("upgrades");
        if (upgrades)
        {
            writer.WriteStringValue("websocket");
        }

        writer.WriteEndArray();
        writer.WriteNumber("pingInterval", (long)Options.PingInterval.TotalMilliseconds);
        writer.WriteNumber("pingTimeout", (long)Options.PingTimeout.TotalMilliseconds);
        writer.WriteNumber("maxPayload", Options.MaxHttpBufferSize);
        writer.WriteEndObject();
        writer.Flush();
        return buffer;
    }

    private void SetSessionCookie(HttpContext context, string sid)
    {
        if (Options.Cookie is not { } cookie)
        {
            return;
        }

        context.Response.Cookies.Append(cookie.Name, sid, new CookieOptions
        {
            Path = cookie.Path,
            HttpOnly = cookie.HttpOnly,
            SameSite = cookie.SameSite,
            Secure = context.Request.IsHttps,
        });
    }

    private Task RejectAsync(HttpContext context, int code, string? message = null, int? statusCode = null)
    {
        message ??= EngineIOErrors.DefaultMessage(code);
        EngineIOLog.RequestRejected(Logger, code, message, context.Request.Method, context.Request.Path);
        return EngineIOErrors.WriteAsync(context, code, message, statusCode);
    }

    private bool TryParseTransport(string? name, out EngineIOTransport transport)
    {
        if (name == "polling" && (Options.Transports & EngineIOTransports.Polling) != 0)
        {
            transport = EngineIOTransport.Polling;
            return true;
        }

        if (name == "websocket" && (Options.Transports & EngineIOTransports.WebSocket) != 0)
        {
            transport = EngineIOTransport.WebSocket;
            return true;
        }

        transport = default;
        return false;
    }

    private static bool TryGetSingle(IQueryCollection query, string key, out string? value)
    {
        var values = query.TryGetValue(key, out var found) ? found : StringValues.Empty;
        value = values.Count == 0 ? null : values[0];
        return values.Count <= 1;
    }
}
