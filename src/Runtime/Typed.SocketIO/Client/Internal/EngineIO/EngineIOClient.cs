using System.Text.Json;

namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// The client side of one Engine.IO v4 session: opens on polling (or WebSocket), upgrades in place, answers the
/// server's pings and watches for their absence, and closes with engine.io-client's reasons. Sends are queued and
/// flushed in order by whichever transport carries the session; every member is safe from any thread.
/// </summary>
internal sealed partial class EngineIOClient : IAsyncDisposable
{
    private readonly Uri _serverUri;
    private readonly EngineIOClientOptions _options;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _closed = new();
    private List<EngineIOOutgoingPacket> _outbox = [];
    private TaskCompletionSource? _writerWaiter;
    private Timer? _watchdog;
    private int _state; // 0 new, 1 open, 2 closed
    private bool _transportStarted; // the handshake is done and a transport's loops run: there is something to close gracefully
    private string? _closeRequested;

    public EngineIOClient(Uri serverUri, EngineIOClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(serverUri);
        _serverUri = serverUri;
        _options = options ?? new EngineIOClientOptions();
        if (!_options.UsePolling && !_options.UseWebSocket)
        {
            throw new ArgumentException("At least one transport must be enabled.", nameof(options));
        }
    }

    /// <summary>The session id the server gave, once open.</summary>
    public string? Id { get; private set; }

    public EngineIOTransport Transport { get; private set; }

    public TimeSpan PingInterval { get; private set; }

    public TimeSpan PingTimeout { get; private set; }

    /// <summary>The server's <c>maxPayload</c>: the most bytes one POST may carry.</summary>
    public long MaxPayload { get; private set; }

    /// <summary>A message arrived (text as UTF-8, or binary); the bytes are valid only during the call.</summary>
    public event Action<ReadOnlyMemory<byte>, bool>? MessageReceived;

    /// <summary>The session moved from polling to WebSocket.</summary>
    public event Action? Upgraded;

    /// <summary>A ping from the server arrived (its pong is already queued).</summary>
    public event Action? PingReceived;

    /// <summary>
    /// A packet of the session arrived (engine.io-client's <c>packet</c>): the open packet, pings, noops, messages and
    /// the close packet, before each is handled; not the upgrade probe's answer. Raised on the receive path.
    /// </summary>
    public event Action<EngineIOPacketInfo>? PacketReceived;

    /// <summary>
    /// A packet was queued for the server (engine.io-client's <c>packetCreate</c>): messages and pongs; not the upgrade
    /// probe nor the close packet, which the transports write themselves. Raised on the thread that queued it.
    /// </summary>
    public event Action<EngineIOPacketInfo>? PacketCreated;

    /// <summary>The session closed, with engine.io-client's reason (<c>transport close</c>, <c>ping timeout</c>…).</summary>
    public event Action<string>? Closed;

    public bool IsOpen => Volatile.Read(ref _state) == 1;

    /// <summary>Opens the session; fails with <see cref="EngineIOConnectException"/> when the server cannot be reached or refuses.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("An EngineIOClient opens once; create a new one to reconnect.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            if (_options.UsePolling)
            {
                await OpenPollingAsync(timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await OpenWebSocketAsync(timeout.Token).ConfigureAwait(false);
            }

            Volatile.Write(ref _transportStarted, true);
        }
        catch (Exception ex)
        {
            // Read before _closed is cancelled below: the timeout source is linked to it, and would then always look
            // expired, turning every failure (a malformed handshake, a refused connection) into "timeout".
            var timedOut = timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested;
            Volatile.Write(ref _state, 2);
            _closed.Cancel();
            if (Volatile.Read(ref _closeRequested) is not null)
            {
                // CloseAsync or DisposeAsync ended the attempt; whatever the transport then reported is a consequence.
                throw new EngineIOConnectException("the client was closed before the handshake completed", ex);
            }

            if (ex is EngineIOConnectException)
            {
                throw;
            }

            throw new EngineIOConnectException(timedOut ? "timeout" : ex.Message, ex);
        }
    }

    public void Send(string text) => Enqueue(EngineIOOutgoingPacket.FromText(text));

    public void Send(ReadOnlyMemory<byte> bytes) => Enqueue(EngineIOOutgoingPacket.FromBinary(bytes));

    /// <summary>Closes the session (reason <c>forced close</c>) after the queued packets are written.</summary>
    public async Task CloseAsync()
    {
        if (!IsOpen)
        {
            return;
        }

        // Whatever the transports report while closing (the server's close frame, a last noop), the reason is ours.
        Volatile.Write(ref _closeRequested, "forced close");
        await CloseTransportGracefullyAsync().ConfigureAwait(false);

        OnClose("forced close");
    }

    /// <summary>Ends the session at once with <paramref name="reason"/> (the layer above found the server's data unusable).</summary>
    public void Abort(string reason) => OnClose(reason);

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        OnClose("forced close");
        _polling?.Dispose();
    }

    internal void Enqueue(EngineIOOutgoingPacket packet)
    {
        lock (_gate)
        {
            if (_state != 1)
            {
                return;
            }

            _outbox.Add(packet);
            var waiter = _writerWaiter;
            _writerWaiter = null;
            waiter?.TrySetResult();
        }

        // Outside the lock: the listener is application code. A text packet's type is its first character.
        if (PacketCreated is { } created)
        {
            created(packet.IsBinary
                ? new EngineIOPacketInfo(EngineIOPacketType.Message, packet.Encoded.Length, isBinary: true)
                : new EngineIOPacketInfo((EngineIOPacketType)(packet.Encoded.Span[0] - (byte)'0'), packet.Encoded.Length - 1, isBinary: false));
        }
    }

    /// <summary>Waits until packets are queued (or the session closes), then takes them all.</summary>
    private async Task<List<EngineIOOutgoingPacket>?> TakeOutboxAsync()
    {
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                // A pause (for the upgrade, or the close) ends the current writer; the next transport's writer takes over.
                if (_state != 1 || _writerPaused)
                {
                    return null;
                }

                if (_outbox.Count > 0)
                {
                    var taken = _outbox;
                    _outbox = [];
                    return taken;
                }

                waiter = _writerWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            await waiter.Task.ConfigureAwait(false);
        }
    }

    private void WakeWriter()
    {
        lock (_gate)
        {
            var waiter = _writerWaiter;
            _writerWaiter = null;
            waiter?.TrySetResult();
        }
    }

    /// <summary>Reads the open packet's handshake: <c>{"sid","upgrades","pingInterval","pingTimeout","maxPayload"}</c>.</summary>
    /// <exception cref="EngineIOConnectException">The handshake is not valid JSON of that shape (reported as such, not as a timeout).</exception>
    private bool ApplyHandshake(ReadOnlySpan<byte> json, out bool canUpgrade)
    {
        // engine.io-client reports the open packet as it does every other, before reading it.
        PacketReceived?.Invoke(new EngineIOPacketInfo(EngineIOPacketType.Open, json.Length, isBinary: false));
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            Id = root.GetProperty("sid").GetString();
            PingInterval = TimeSpan.FromMilliseconds(root.GetProperty("pingInterval").GetInt64());
            PingTimeout = TimeSpan.FromMilliseconds(root.GetProperty("pingTimeout").GetInt64());
            MaxPayload = root.TryGetProperty("maxPayload", out var max) ? max.GetInt64() : 1_000_000;
            canUpgrade = false;
            foreach (var upgrade in root.GetProperty("upgrades").EnumerateArray())
            {
                canUpgrade |= upgrade.GetString() == "websocket";
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new EngineIOConnectException("invalid handshake: " + ex.Message, ex);
        }

        _watchdog = new Timer(static state => ((EngineIOClient)state!).OnClose("ping timeout"), this, Timeout.Infinite, Timeout.Infinite);
        ResetWatchdog();
        return Id is not null;
    }

    /// <summary>The server pings every interval; no ping within interval + timeout means it is gone.</summary>
    private void ResetWatchdog() => _watchdog?.Change(PingInterval + PingTimeout, Timeout.InfiniteTimeSpan);

    /// <summary>Handles one packet from the server, whichever transport carried it. False when it closed the session.</summary>
    private bool HandlePacket(EngineIOPacket packet)
    {
        PacketReceived?.Invoke(new EngineIOPacketInfo(packet.Type, packet.Data.Length, packet.IsBinary));
        switch (packet.Type)
        {
            case EngineIOPacketType.Ping:
                ResetWatchdog();
                Enqueue(EngineIOOutgoingPacket.Pong);
                PingReceived?.Invoke();
                return true;
            case EngineIOPacketType.Message:
                MessageReceived?.Invoke(packet.Data, packet.IsBinary);

                // The layer above may have ended the session (a parse error, a refused namespace): the loop that
                // carried the packet stops here instead of reading from a transport that is being torn down.
                return IsOpen;
            case EngineIOPacketType.Close:
                OnClose("transport close");
                return false;
            default:
                return true; // noop, and anything else a v4 server does not send mid-session
        }
    }

    private void OnClose(string reason)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        _watchdog?.Dispose();
        _closed.Cancel();
        WakeWriter();
        AbortTransports();
        Closed?.Invoke(Volatile.Read(ref _closeRequested) ?? reason);
    }

    private Uri RequestUri(string transport, bool withSid)
    {
        var builder = new UriBuilder(_serverUri)
        {
            Path = _options.Path.EndsWith('/') ? _options.Path : _options.Path + "/",
        };
        if (transport == "websocket")
        {
            builder.Scheme = _serverUri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        }

        var query = new System.Text.StringBuilder("EIO=4&transport=").Append(transport);
        if (withSid)
        {
            query.Append("&sid=").Append(Uri.EscapeDataString(Id!));
        }

        foreach (var (key, value) in _options.Query)
        {
            query.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        builder.Query = query.ToString();
        return builder.Uri;
    }
}
