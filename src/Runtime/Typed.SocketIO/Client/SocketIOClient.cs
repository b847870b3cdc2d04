using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Typed.SocketIO.Client;

/// <summary>
/// A connection to a Socket.IO server (socket.io-client's <c>Manager</c>): one Engine.IO session that every
/// namespace socket from <see cref="Of"/> shares, opened when the first socket connects, reconnected with backoff
/// when it is lost, and closed when no socket needs it any more. Every member is safe from any thread.
/// </summary>
/// <example>
/// <code>
/// await using var client = new SocketIOClient(new Uri("http://localhost:3000"), o => o.UseJson(AppJson.Default));
/// var chat = client.Of("/chat", o => o.Auth = new Dictionary&lt;string, string&gt; { ["token"] = token });
/// chat.On("message", e => Console.WriteLine(e.Arguments.GetString(0)));
/// await chat.ConnectAsync();
/// SocketIOArguments reply = await chat.EmitWithAckAsync("join", ["lobby"], TimeSpan.FromSeconds(5));
/// </code>
/// </example>
public sealed class SocketIOClient : IAsyncDisposable
{
    private readonly Uri _serverUri;
    private readonly ISocketIOParser _parser;
    private readonly object _gate = new();
    private readonly Dictionary<string, SocketIOClientSocket> _sockets = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private readonly ReconnectionBackoff _backoff;
    private readonly ILogger _logger;
    private IReadOnlyDictionary<string, string>? _nextHeaders;
    private EngineIOClient? _engine;
    private ISocketIODecoder? _decoder;
    private bool _open;
    private bool _opening;
    private bool _skipReconnect;
    private bool _priorWebSocketSuccess; // a session of this client reached WebSocket (RememberUpgrade)

    // Counts every open and every close of the connection, changed under _gate and read without it by the sockets
    // (see SocketIOClientSocket.OnConnectionOpen): an open notice that reaches a socket after its connection closed
    // carries an older count and is ignored. A close changes the count before it tells the sockets, so a socket that
    // saw the count of an open connection hears of its close afterwards.
    private int _connectionEpoch;

    // The running reconnection loop's identity, null when none runs. A loop clears it only while it still owns it,
    // and a reconnection that succeeds hands it back at the moment the connection counts as open: a loss right after
    // that starts a new loop instead of being swallowed by the old one on its way out.
    private object? _reconnectLoop;

    /// <summary>Creates a client for the server at <paramref name="serverUri"/> (<c>http</c> or <c>https</c>); nothing connects yet.</summary>
    public SocketIOClient(Uri serverUri, SocketIOClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        if (serverUri.Scheme != Uri.UriSchemeHttp && serverUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("The server address must be http:// or https:// (the client upgrades to WebSocket itself).", nameof(serverUri));
        }

        Options = options ?? new SocketIOClientOptions();
        Options.Validate();
        _serverUri = serverUri;
        _parser = SocketIOParsers.Get(Options.Parser);
        _backoff = new ReconnectionBackoff(Options.ReconnectionDelay, Options.ReconnectionDelayMax, Options.RandomizationFactor);
        _logger = Options.LoggerFactory?.CreateLogger<SocketIOClient>() ?? NullLogger<SocketIOClient>.Instance;
    }

    /// <summary>Creates a client and lets <paramref name="configure"/> set its options.</summary>
    public SocketIOClient(Uri serverUri, Action<SocketIOClientOptions> configure)
        : this(serverUri, Configure(configure))
    {
    }

    /// <summary>
    /// socket.io-client's <c>io(url, opts)</c> with <c>autoConnect</c>: creates a client for the server of
    /// <paramref name="uri"/>, takes the socket of the namespace the URI's path names (<c>http://host/chat</c> is
    /// <c>/chat</c>; no path is <c>/</c>), lets <paramref name="setup"/> register its handlers before anything is sent
    /// (so the events a server emits on connection are not missed), and returns the socket once it is connected. The
    /// caller owns the client: dispose it with <c>await socket.Client.DisposeAsync()</c>. The constructor never
    /// connects; this is the one place that both creates and connects.
    /// </summary>
    /// <param name="uri">The server and namespace (<c>http</c> or <c>https</c>); the endpoint path is
    /// <see cref="SocketIOClientOptions.Path"/>. It must carry no query: put it in <see cref="SocketIOClientOptions.Query"/>.</param>
    /// <param name="options">The client's options (the defaults when null).</param>
    /// <param name="configureSocket">The socket's options (<see cref="SocketIOClientSocketOptions.Auth"/>…).</param>
    /// <param name="setup">Runs once the socket exists and before it connects: register handlers here.</param>
    /// <param name="cancellationToken">Stops waiting; the client is then disposed.</param>
    /// <returns>The connected socket.</returns>
    /// <exception cref="SocketIOConnectException">The connection failed as <see cref="SocketIOClientSocket.ConnectAsync"/>
    /// fails; the client is disposed first (nothing keeps reconnecting behind the caller's back).</exception>
    public static async Task<SocketIOClientSocket> ConnectAsync(
        Uri uri,
        SocketIOClientOptions? options = null,
        Action<SocketIOClientSocketOptions>? configureSocket = null,
        Action<SocketIOClientSocket>? setup = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            // The client builds its own query (EIO, transport, sid): one in the URI would be dropped, so it is refused.
            throw new ArgumentException("The URI must be absolute, without a query or fragment (put the query in SocketIOClientOptions.Query).", nameof(uri));
        }

        var ns = Uri.UnescapeDataString(uri.AbsolutePath);
        var client = new SocketIOClient(new Uri(uri.GetLeftPart(UriPartial.Authority)), options);
        try
        {
            var socket = client.Of(string.IsNullOrEmpty(ns) ? "/" : ns, configureSocket);
            setup?.Invoke(socket);
            await socket.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            // Nobody else holds the client: a failed or cancelled connect must not leave it reconnecting.
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The options given at creation; changing them afterwards has no effect.</summary>
    public SocketIOClientOptions Options { get; }

    /// <summary>The transport of the open connection, or null while there is none.</summary>
    public EngineIOTransports? Transport
    {
        get
        {
            var engine = Volatile.Read(ref _engine);
            return engine is null ? null : engine.Transport == EngineIOTransport.WebSocket ? EngineIOTransports.WebSocket : EngineIOTransports.Polling;
        }
    }

    /// <summary>The Engine.IO session id of the open connection, or null while there is none.</summary>
    public string? EngineId => Volatile.Read(ref _engine)?.Id;

    /// <summary>The connection opened (the first time, or again after a loss).</summary>
    public event Action? Opened;

    /// <summary>The connection was lost or closed, with socket.io-client's reason.</summary>
    public event Action<SocketIOClientDisconnectReason>? Closed;

    /// <summary>The open connection moved from polling to WebSocket.</summary>
    public event Action? Upgraded;

    /// <summary>
    /// The server's heartbeat ping arrived (socket.io-client's <c>manager.on("ping")</c>); the pong is already on its
    /// way. Raised on the receive path: keep it short.
    /// </summary>
    public event Action? Ping;

    /// <summary>
    /// An Engine.IO packet of the connection arrived (engine.io-client's <c>socket.on("packet")</c>, reached through
    /// <c>manager.engine</c>): the open packet, each ping, noop and message (a Socket.IO packet, or one of its binary
    /// attachments), and the close packet, before the client handles it; the upgrade probe's answer is not reported,
    /// as in engine.io-client. Raised on the receive path for every packet: keep it short. Nothing is allocated for it
    /// while no handler is attached.
    /// </summary>
    public event Action<EngineIOPacketInfo>? EnginePacketReceived;

    /// <summary>
    /// An Engine.IO packet was queued for the server (engine.io-client's <c>socket.on("packetCreate")</c>): each message
    /// and each pong; the upgrade probe and the close packet, which the transports write themselves, are not reported,
    /// as in engine.io-client. Raised on the thread that queued the packet (an emitting thread or the receive path):
    /// keep it short, and do not emit from it (that would queue another packet, and raise it again).
    /// </summary>
    public event Action<EngineIOPacketInfo>? EnginePacketCreated;

    /// <summary>
    /// A handler threw: a socket's event handler (named by the event), or a handler of one of the client's own
    /// notifications. The client carries on; this is where such failures surface. A received event dropped because
    /// its socket's queue was full (<see cref="SocketIOClientOptions.MaxQueuedEventsPerSocket"/>,
    /// <see cref="SocketIOClientOptions.MaxQueuedBytesPerSocket"/>) is reported here too, with an
    /// <see cref="InvalidOperationException"/> naming the limit.
    /// </summary>
    public event Action<string, Exception>? HandlerFailed;

    /// <summary>A reconnection attempt starts; the argument counts attempts from 1.</summary>
    public event Action<int>? ReconnectAttempt;

    /// <summary>A reconnection attempt failed; another follows unless the attempts are used up.</summary>
    public event Action<Exception>? ReconnectError;

    /// <summary>Every reconnection attempt failed (<see cref="SocketIOClientOptions.ReconnectionAttempts"/>); the client stops trying.</summary>
    public event Action? ReconnectFailed;

    /// <summary>A reconnection succeeded after the given number of attempts; the active sockets connect again.</summary>
    public event Action<int>? Reconnected;

    /// <summary>
    /// The socket of namespace <paramref name="ns"/> (created on first use; later calls return the same one and ignore
    /// <paramref name="configure"/>). It connects when <see cref="SocketIOClientSocket.ConnectAsync"/> is called.
    /// </summary>
    public SocketIOClientSocket Of(string ns = "/", Action<SocketIOClientSocketOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        if (ns[0] != '/')
        {
            ns = "/" + ns;
        }

        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        lock (_gate)
        {
            if (!_sockets.TryGetValue(ns, out var socket))
            {
                var socketOptions = new SocketIOClientSocketOptions();
                configure?.Invoke(socketOptions);
                socketOptions.Validate();
                socket = new SocketIOClientSocket(this, ns, socketOptions);
                _sockets.Add(ns, socket);
            }

            return socket;
        }
    }

    /// <summary>Closes the connection (sockets see <c>forced close</c>) and stops reconnecting. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        EngineIOClient? engine;
        SocketIOClientSocket[] sockets;
        lock (_gate)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }

            _skipReconnect = true;
            _disposed.Cancel();
            engine = _engine;
            sockets = [.. _sockets.Values];
        }

        foreach (var socket in sockets)
        {
            socket.OnClientDisposed();
        }

        if (engine is not null)
        {
            await engine.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal CancellationToken DisposedToken => _disposed.Token;

    /// <summary>The count of opens and closes of the connection (see <c>_connectionEpoch</c>).</summary>
    internal int ConnectionEpoch => Volatile.Read(ref _connectionEpoch);

    /// <summary>A socket wants to be connected: it sends its CONNECT now if the connection is open, or opens it.</summary>
    internal void Attach(SocketIOClientSocket socket)
    {
        bool open;
        var startOpening = false;
        int epoch;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            epoch = _connectionEpoch;
            if (_open)
            {
                open = true;
            }
            else
            {
                open = false;
                _skipReconnect = false;
                if (!_opening && _reconnectLoop is null)
                {
                    _opening = true;
                    startOpening = true;
                }
            }
        }

        if (open)
        {
            socket.OnConnectionOpen(epoch);
        }
        else if (startOpening)
        {
            // On the thread pool, not the caller's thread: the open must neither start on a UI thread's
            // SynchronizationContext (which may be about to block on ConnectAsync) nor run its synchronous part
            // (HTTP request setup, DNS) under _gate.
            _ = Task.Run(() => OpenAsync(isReconnect: false));
        }
    }

    /// <summary>A socket no longer wants to be connected: when none does, the connection closes and stays closed.</summary>
    internal void Detach()
    {
        EngineIOClient? engine;
        lock (_gate)
        {
            foreach (var socket in _sockets.Values)
            {
                if (socket.IsActive)
                {
                    return;
                }
            }

            _skipReconnect = true;
            engine = _engine;
        }

        if (engine is not null)
        {
            _ = engine.CloseAsync();
        }
    }

    /// <summary>Encodes and queues <paramref name="packet"/> on the open connection. False when there is none.</summary>
    internal bool Send(SocketIOPacket packet)
    {
        var engine = Volatile.Read(ref _engine);
        if (engine is null || !engine.IsOpen)
        {
            return false;
        }

        var encoded = new List<EngineIOOutgoingPacket>(1 + packet.Attachments.Count);
        _parser.Encode(packet, encoded);
        foreach (var message in encoded)
        {
            engine.Enqueue(message);
        }

        SocketIOClientTelemetry.PacketSent(packet, encoded);

        return true;
    }

    /// <summary>Whether the next session skips polling: <see cref="SocketIOClientOptions.RememberUpgrade"/> and a WebSocket that worked before.</summary>
    private bool UseRememberedWebSocket =>
        Options.RememberUpgrade && (Options.Transports & EngineIOTransports.WebSocket) != 0 && Volatile.Read(ref _priorWebSocketSuccess);

    private static SocketIOClientOptions Configure(Action<SocketIOClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SocketIOClientOptions();
        configure(options);
        return options;
    }

    private EngineIOClient CreateEngine(IReadOnlyDictionary<string, string>? providedHeaders)
    {
        var engineOptions = new EngineIOClientOptions
        {
            Path = Options.Path,
            // RememberUpgrade (as engine.io-client's rememberUpgrade): after a WebSocket that worked, straight to it.
            UsePolling = (Options.Transports & EngineIOTransports.Polling) != 0 && !UseRememberedWebSocket,
            UseWebSocket = (Options.Transports & EngineIOTransports.WebSocket) != 0,
            Upgrade = Options.Upgrade,
            HttpMessageHandler = Options.HttpMessageHandler,
            Proxy = Options.Proxy,
            ConnectTimeout = Options.ConnectTimeout,
            MaxIncomingMessageBytes = Options.MaxIncomingMessageBytes,
        };
        foreach (var (key, value) in Options.Query)
        {
            engineOptions.Query[key] = value;
        }

        foreach (var (name, value) in Options.ExtraHeaders)
        {
            engineOptions.ExtraHeaders[name] = value;
        }

        if (providedHeaders is not null)
        {
            foreach (var (name, value) in providedHeaders)
            {
                engineOptions.ExtraHeaders[name] = value;
            }
        }

        var engine = new EngineIOClient(_serverUri, engineOptions);
        engine.MessageReceived += (data, isBinary) => OnEngineMessage(engine, data, isBinary);
        engine.Closed += reason => OnEngineClosed(engine, reason);
        engine.PingReceived += () => Raise(Ping);

        // Read on every packet, so a handler attached to the client reaches the engine of every later session too.
        engine.PacketReceived += info => Raise(EnginePacketReceived, info);
        engine.PacketCreated += info => Raise(EnginePacketCreated, info);
        engine.Upgraded += () =>
        {
            Volatile.Write(ref _priorWebSocketSuccess, true);
            SocketIOClientLog.Upgraded(_logger);
            Raise(Upgraded);
        };
        return engine;
    }

    /// <summary>Opens one Engine.IO session. On failure the active sockets see a connect error and, unless told not to, the client reconnects.</summary>
    private async Task<bool> OpenAsync(bool isReconnect)
    {
        EngineIOClient? engine = null;
        IReadOnlyDictionary<string, string>? headers = null;
        try
        {
            // Headers fetched after a refusal are the ones this attempt was promised; otherwise the provider is asked now.
            if (Options.ExtraHeadersProvider is { } provider)
            {
                headers = Interlocked.Exchange(ref _nextHeaders, null) ?? await AskHeadersAsync(provider).ConfigureAwait(false);
            }

            engine = CreateEngine(headers);
            SocketIOClientLog.Connecting(_logger, _serverUri, (Options.Transports & EngineIOTransports.Polling) != 0 ? "polling" : "websocket");
            lock (_gate)
            {
                // Messages may arrive as soon as the session opens: the decoder must be in place first.
                _decoder = _parser.CreateDecoder(Options.ParserLimits);
                _engine = engine;
            }

            await engine.ConnectAsync(_disposed.Token).ConfigureAwait(false);
            if (engine.Transport == EngineIOTransport.WebSocket)
            {
                Volatile.Write(ref _priorWebSocketSuccess, true);
            }
        }
        catch (Exception ex)
        {
            // A remembered WebSocket that fails is forgotten: the next attempt starts with polling again.
            Volatile.Write(ref _priorWebSocketSuccess, false);

            // A refusal (HTTP 401/403) is not retried with the credentials it refused: only new ones from the provider
            // earn one more attempt. Asked here, before the decision, so the reconnection loop does not start in vain.
            var refusal = ex is EngineIOConnectException { IsRefusal: true } refused ? refused : null;
            var retryRefusal = refusal is not null && Options.Reconnection && await HasNewHeadersAsync(headers).ConfigureAwait(false);
            SocketIOClientTelemetry.ConnectFailed(_logger, _serverUri, ex, refusal?.StatusCode, retryRefusal);
            object? loop = null;
            lock (_gate)
            {
                if (engine is not null && _engine == engine)
                {
                    _engine = null;
                }

                _opening = false;
                if (refusal is not null && !retryRefusal)
                {
                    // Final: no loop starts, a running one stops at its next check, and sockets fail their ConnectAsync.
                    // A later ConnectAsync (Attach) clears this and tries again.
                    _skipReconnect = true;
                }

                // A failed first open starts the reconnection loop in the same step that ends the opening, so a
                // socket attaching in between neither starts a second open nor finds nothing running.
                if (!isReconnect)
                {
                    loop = BeginReconnectLocked();
                }
            }

            var error = refusal is not null
                ? new SocketIOConnectException(refusal.Message, isRejectedByServer: true, innerException: ex) { HttpStatusCode = refusal.StatusCode, HttpResponseBody = refusal.ResponseBody }
                : new SocketIOConnectException(ex is EngineIOConnectException ? ex.Message : "connection failed", innerException: ex);
            foreach (var socket in SnapshotSockets())
            {
                socket.OnConnectionError(error, willRetry: Options.Reconnection && !SkipReconnect);
            }

            RunReconnectLoop(loop);
            return false;
        }

        int epoch;
        lock (_gate)
        {
            _opening = false;
            if (_engine != engine)
            {
                return false; // closed again before we got here; its close already started what follows
            }

            _open = true;
            epoch = Interlocked.Increment(ref _connectionEpoch);
            if (isReconnect)
            {
                // The reconnection is done as of now: from here on a loss must start a new loop (see _reconnectLoop).
                _reconnectLoop = null;
                _backoff.Reset();
            }
        }

        SocketIOClientTelemetry.Connected(_logger, _serverUri, engine);
        Raise(Opened);
        foreach (var socket in SnapshotSockets())
        {
            socket.OnConnectionOpen(epoch);
        }

        return true;
    }

    private bool SkipReconnect
    {
        get
        {
            lock (_gate)
            {
                return _skipReconnect || _disposed.IsCancellationRequested;
            }
        }
    }

    /// <summary>Under <c>_gate</c>: claims the reconnection for a new loop, or null when none should start.</summary>
    private object? BeginReconnectLocked()
    {
        if (!Options.Reconnection || _skipReconnect || _reconnectLoop is not null || _disposed.IsCancellationRequested)
        {
            return null;
        }

        _reconnectLoop = new object();
        return _reconnectLoop;
    }

    /// <summary>Starts the loop that <see cref="BeginReconnectLocked"/> claimed, if it claimed one.</summary>
    private void RunReconnectLoop(object? loop)
    {
        if (loop is not null)
        {
            // The reconnection loop owns no caller: it runs on the thread pool whoever noticed the loss.
            _ = Task.Run(() => ReconnectAsync(loop));
        }
    }

    /// <summary>Whether <paramref name="loop"/> must stop (disposed, or no socket wants the connection); if so it lets go of the reconnection.</summary>
    private bool StopsHere(object loop)
    {
        lock (_gate)
        {
            if (!_skipReconnect && !_disposed.IsCancellationRequested)
            {
                return false;
            }

            // Released in the same step as the decision: a socket attaching right after finds no loop and opens itself.
            if (_reconnectLoop == loop)
            {
                _reconnectLoop = null;
            }

            return true;
        }
    }

    private async Task ReconnectAsync(object loop)
    {
        try
        {
            while (true)
            {
                bool exhausted;
                lock (_gate)
                {
                    exhausted = _backoff.Attempts >= Options.ReconnectionAttempts;
                    if (exhausted)
                    {
                        _backoff.Reset();
                        if (_reconnectLoop == loop)
                        {
                            _reconnectLoop = null;
                        }
                    }
                }

                if (exhausted)
                {
                    SocketIOClientLog.ReconnectFailed(_logger, Options.ReconnectionAttempts);
                    Raise(ReconnectFailed);
                    foreach (var socket in SnapshotSockets())
                    {
                        socket.OnReconnectFailed();
                    }

                    return;
                }

                var delay = _backoff.Next();
                var attempt = _backoff.Attempts;
                await Task.Delay(delay, _disposed.Token).ConfigureAwait(false);
                if (StopsHere(loop))
                {
                    return;
                }

                SocketIOClientTelemetry.ReconnectAttempt(_logger, attempt, delay);
                Raise(ReconnectAttempt, attempt);
                if (StopsHere(loop))
                {
                    return;
                }

                if (await OpenAsync(isReconnect: true).ConfigureAwait(false))
                {
                    // OpenAsync has already handed the reconnection back (and reset the backoff) when it marked the
                    // connection open; a loss since then has its own loop.
                    SocketIOClientLog.Reconnected(_logger, attempt);
                    Raise(Reconnected, attempt);
                    return;
                }

                if (StopsHere(loop))
                {
                    return;
                }

                Raise(ReconnectError, (Exception)new SocketIOConnectException("reconnection attempt failed"));
            }
        }
        catch (OperationCanceledException)
        {
            // disposed while waiting
        }
        finally
        {
            lock (_gate)
            {
                if (_reconnectLoop == loop)
                {
                    _reconnectLoop = null;
                }
            }
        }
    }

    private void OnEngineMessage(EngineIOClient engine, ReadOnlyMemory<byte> data, bool isBinary)
    {
        ISocketIODecoder? decoder;
        int epoch;
        lock (_gate)
        {
            decoder = _engine == engine ? _decoder : null;
            epoch = _connectionEpoch;
        }

        if (decoder is null)
        {
            return;
        }

        // The transport's receive loop is the only caller for one engine, so the decoder is used by one thread at a time.
        SocketIOClientTelemetry.MessageReceived(data.Length);
        var status = decoder.Decode(data, isBinary, out var packet, out var decodeError);
        if (status == SocketIODecodeStatus.Error)
        {
            SocketIOClientLog.ProtocolError(_logger, decodeError);
            engine.Abort("parse error");
            return;
        }

        if (status != SocketIODecodeStatus.Packet)
        {
            return;
        }

        SocketIOClientSocket? socket;
        lock (_gate)
        {
            _sockets.TryGetValue(packet!.Namespace, out socket);
        }

        if (socket is not null)
        {
            SocketIOClientTelemetry.PacketReceived(packet!);
            socket.HandlePacket(packet!, epoch);
        }
    }

    private void OnEngineClosed(EngineIOClient engine, string engineReason)
    {
        object? loop;
        lock (_gate)
        {
            if (_engine != engine)
            {
                return;
            }

            _engine = null;
            _open = false;
            Interlocked.Increment(ref _connectionEpoch);
            _decoder?.Reset();
            _decoder = null;

            // Claimed with the loss itself, so a socket attaching before the loop starts waits for it instead of
            // opening a second connection.
            loop = BeginReconnectLocked();
        }

        var reason = _disposed.IsCancellationRequested ? SocketIOClientDisconnectReason.ForcedClose : SocketIOClientDisconnectReasonExtensions.FromEngineReason(engineReason);
        SocketIOClientLog.Closed(_logger, engineReason);
        Raise(Closed, reason);
        var willRetry = Options.Reconnection && !SkipReconnect;
        foreach (var socket in SnapshotSockets())
        {
            socket.OnConnectionClosed(reason, willRetry);
        }

        RunReconnectLoop(loop);
    }

    /// <summary>Asks the headers provider; its failure is this attempt's failure (logged, then handled as any other).</summary>
    private async ValueTask<IReadOnlyDictionary<string, string>> AskHeadersAsync(Func<CancellationToken, ValueTask<IReadOnlyDictionary<string, string>>> provider)
    {
        try
        {
            return await provider(_disposed.Token).ConfigureAwait(false) ?? new Dictionary<string, string>();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_disposed.IsCancellationRequested)
        {
            SocketIOClientLog.HeadersProviderFailed(_logger, ex);
            throw;
        }
    }

    /// <summary>
    /// After a refusal: whether the provider now gives headers other than <paramref name="refused"/>; if so they are
    /// kept for the next attempt. No provider, a failing one or the same headers mean the refusal is final.
    /// </summary>
    private async ValueTask<bool> HasNewHeadersAsync(IReadOnlyDictionary<string, string>? refused)
    {
        if (Options.ExtraHeadersProvider is not { } provider || _disposed.IsCancellationRequested)
        {
            return false;
        }

        IReadOnlyDictionary<string, string> next;
        try
        {
            next = await AskHeadersAsync(provider).ConfigureAwait(false);
        }
        catch (Exception)
        {
            return false; // logged by AskHeadersAsync
        }

        if (refused is not null && next.Count == refused.Count
            && next.All(pair => refused.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal)))
        {
            return false;
        }

        Volatile.Write(ref _nextHeaders, next);
        return true;
    }

    private SocketIOClientSocket[] SnapshotSockets()
    {
        lock (_gate)
        {
            return [.. _sockets.Values];
        }
    }

    internal void ReportHandlerFailure(string name, Exception exception)
    {
        try
        {
            HandlerFailed?.Invoke(name, exception);
        }
        catch (Exception)
        {
            // The failure handler itself failed: nothing is left to tell.
        }
    }

    // The client's own events run on the thread that noticed the change; a handler that throws must not stop the client.
    private void Raise(Action? handler, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(handler))] string name = "")
    {
        try
        {
            handler?.Invoke();
        }
        catch (Exception ex)
        {
            ReportHandlerFailure(name, ex);
        }
    }

    private void Raise<T>(Action<T>? handler, T argument, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(handler))] string name = "")
    {
        try
        {
            handler?.Invoke(argument);
        }
        catch (Exception ex)
        {
            ReportHandlerFailure(name, ex);
        }
    }
}
