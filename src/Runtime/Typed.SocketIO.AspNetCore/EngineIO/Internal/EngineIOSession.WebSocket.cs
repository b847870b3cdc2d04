using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;

namespace Typed.EngineIO.Internal;

/// <summary>
/// The WebSocket transport: one receive loop and one writer loop per socket, for sessions opened on WebSocket and
/// for polling sessions upgraded to it (probe, noop to pending GETs, <c>5</c>, flush).
/// </summary>
internal sealed partial class EngineIOSession
{
    private static readonly TimeSpan s_closeHandshakeGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_upgradeNoopPeriod = TimeSpan.FromMilliseconds(100);

    private WebSocket? _webSocket;
    private TaskCompletionSource? _writerWaiter;
    private UpgradeProbe? _upgrade;

    /// <summary>A WebSocket that is probing to take over from polling, with its timeout and noop timers.</summary>
    private sealed class UpgradeProbe(EngineIOSession session, WebSocket webSocket) : IDisposable
    {
        private Timer? _noop;
        private Timer? _timeout;

        public WebSocket WebSocket { get; } = webSocket;

        public void Start() => _timeout = new Timer(
            static state => ((UpgradeProbe)state!).OnTimeout(), this, session.Options.UpgradeTimeout, Timeout.InfiniteTimeSpan);

        /// <summary>
        /// After <c>3probe</c>, every pending GET is answered with a noop until the upgrade ends, so the client's
        /// polling pauses quickly; answering only one leaves a second GET hanging until the next ping.
        /// </summary>
        public void StartNoops() => _noop ??= new Timer(
            static state => ((UpgradeProbe)state!).OnNoopTick(), this, TimeSpan.Zero, s_upgradeNoopPeriod);

        private void OnNoopTick() => session.OnUpgradeNoopTick(this);

        private void OnTimeout() => session.AbandonUpgrade(this, "upgrade timeout");

        public void Dispose()
        {
            _noop?.Dispose();
            _timeout?.Dispose();
        }
    }

    private void SignalWebSocketWriter_Locked()
    {
        var waiter = _writerWaiter;
        if (waiter is null || (_outbox.Count == 0 && _state == SessionState.Open))
        {
            return;
        }

        _writerWaiter = null;
        waiter.TrySetResult();
    }

    private void AbortWebSocket_Locked(EngineIOCloseReason reason)
    {
        // The peer already closed for TransportClose; for errors and timeouts the socket goes down at once.
        if (reason != EngineIOCloseReason.TransportClose)
        {
            _webSocket?.Abort();
        }
    }

    /// <summary>Carries a session on <paramref name="webSocket"/> until it closes: the receive loop here, the writer beside it.</summary>
    public async Task RunWebSocketAsync(WebSocket webSocket, BatchingWriteStream? batching, WebSocketMessageReader reader)
    {
        lock (_gate)
        {
            _webSocket = webSocket;
        }

        var writer = RunWebSocketWriterAsync(webSocket, batching);
        await RunWebSocketReceiveLoopAsync(webSocket, reader);
        await writer;
    }

    private async Task RunWebSocketReceiveLoopAsync(WebSocket webSocket, WebSocketMessageReader reader)
    {
        while (true)
        {
            var status = await reader.ReadAsync();
            switch (status)
            {
                case WebSocketReadStatus.Message:
                    if (!TryDecodeFrame(reader, out var packet, out var error))
                    {
                        EngineIOLog.ProtocolViolation(Logger, Id, error!);
                        CloseCore(EngineIOCloseReason.ParseError);
                        return;
                    }

                    if (!await ProcessPacketAsync(packet) && !IsClosingGracefully())
                    {
                        return;
                    }

                    continue;
                case WebSocketReadStatus.PeerClosed:
                    await CloseOutputQuietlyAsync(webSocket, WebSocketCloseStatus.NormalClosure);
                    CloseCore(EngineIOCloseReason.TransportClose);
                    return;
                case WebSocketReadStatus.ConnectionLost:
                    CloseCore(EngineIOCloseReason.TransportClose);
                    return;
                default:
                    // The close frame (1002, 1007, 1008, 1009) is already written; aborting now would discard it.
                    // Returning ends the request, and with it the connection, once the frame is sent; a peer that
                    // does not read is cut off after the grace period.
                    EngineIOLog.ProtocolViolation(Logger, Id, reader.Error ?? "WebSocket protocol error");
                    CloseCore(EngineIOCloseReason.TransportError, closeFrameSent: true);
                    _ = AbortAfterGraceAsync(webSocket);
                    return;
            }
        }
    }

    private bool IsClosingGracefully()
    {
        lock (_gate)
        {
            return _state == SessionState.Closing;
        }
    }

    /// <summary>A binary frame is always a binary message; a text frame is a packet in its text form.</summary>
    private static bool TryDecodeFrame(WebSocketMessageReader reader, out EngineIOPacket packet, out string? error)
    {
        if (reader.MessageType == WebSocketMessageType.Binary)
        {
            packet = new EngineIOPacket(EngineIOPacketType.Message, reader.Message, isBinary: true);
            error = null;
            return true;
        }

        return EngineIOCodec.TryDecodeText(reader.Message, out packet, out error);
    }

    private async Task RunWebSocketWriterAsync(WebSocket webSocket, BatchingWriteStream? batching)
    {
        while (true)
        {
            TaskCompletionSource? waiter = null;
            List<EngineIOOutgoingPacket>? packets = null;
            var closing = false;
            lock (_gate)
            {
                if (_state == SessionState.Closed)
                {
                    return;
                }

                if (_outbox.Count > 0)
                {
                    packets = Drain_Locked();
                }
                else if (_state == SessionState.Closing)
                {
                    closing = true;
                }
                else
                {
                    waiter = _writerWaiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            if (waiter is not null)
            {
                await waiter.Task;
                continue;
            }

            if (closing)
            {
                // The reference sends an empty close frame (the client sees 1005). .NET cannot send one: Empty is
                // written as the status 1005, which RFC 6455 forbids on the wire and strict clients (Node's ws,
                // ClientWebSocket) treat as a protocol error. 1000 is the valid equivalent.
                await CloseOutputQuietlyAsync(webSocket, WebSocketCloseStatus.NormalClosure);
                OnFinalFlushWritten();
                _ = AbortAfterGraceAsync(webSocket);
                return;
            }

            try
            {
                // Everything queued since the last flush leaves in as few network writes as the batch allows.
                batching?.BeginBatch();
                foreach (var packet in packets!)
                {
                    await SendFrameAsync(webSocket, packet);
                }

                if (batching is not null)
                {
                    await batching.EndBatchAsync();
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                CloseCore(EngineIOCloseReason.TransportError);
                return;
            }
            finally
            {
                ReturnDrained(packets!);
            }
        }
    }

    private ValueTask SendFrameAsync(WebSocket webSocket, EngineIOOutgoingPacket packet)
    {
        if (!packet.IsBinary)
        {
            return webSocket.SendAsync(packet.Encoded, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }

        return BinaryAsBase64
            ? webSocket.SendAsync(EngineIOCodec.EncodeBinaryAsBase64Text(packet.Encoded.Span).AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
            : webSocket.SendAsync(packet.Encoded, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>
    /// Upgrades a polling session to <paramref name="context"/>'s WebSocket: <c>2probe</c> is answered with
    /// <c>3probe</c>, pending GETs get noops, and <c>5</c> moves the session over. Anything else, a closed socket or
    /// the upgrade timeout leaves the session on polling. A refused upgrade (already upgrading or upgraded, closed
    /// session, upgrades off) is accepted and closed at once, as the reference does.
    /// </summary>
    public async Task RunUpgradeAsync(HttpContext context)
    {
        if (await WebSocketAcceptor.TryAcceptAsync(context) is not var (webSocket, batching))
        {
            return;
        }

        UpgradeProbe? probe = null;
        lock (_gate)
        {
            if (_state == SessionState.Open && _transport == EngineIOTransport.Polling && _upgrade is null && Options.AllowUpgrades)
            {
                probe = _upgrade = new UpgradeProbe(this, webSocket);
                probe.Start();
            }
        }

        if (probe is null)
        {
            // No abort here: it would discard the 101 and the close frame before they are sent, and the client
            // would see a reset instead of an accepted-then-closed socket. Returning ends the connection.
            EngineIOLog.UpgradeAbandoned(Logger, Id, "session cannot upgrade now");
            await CloseOutputQuietlyAsync(webSocket, WebSocketCloseStatus.NormalClosure);
            _ = AbortAfterGraceAsync(webSocket);
            return;
        }

        using var reader = new WebSocketMessageReader(webSocket, Options.MaxHttpBufferSize, Options.MaxEmptyFragmentsPerMessage);
        while (true)
        {
            if (await reader.ReadAsync() != WebSocketReadStatus.Message)
            {
                AbandonUpgrade(probe, "probe socket closed");
                return;
            }

            if (!TryDecodeFrame(reader, out var packet, out _) || packet.IsBinary)
            {
                AbandonUpgrade(probe, "unexpected frame during probe");
                return;
            }

            if (packet.Type == EngineIOPacketType.Ping && packet.IsProbe)
            {
                try
                {
                    await SendFrameAsync(webSocket, EngineIOOutgoingPacket.PongProbe);
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
                {
                    AbandonUpgrade(probe, "probe socket failed");
                    return;
                }

                probe.StartNoops();
                continue;
            }

            if (packet.Type == EngineIOPacketType.Upgrade)
            {
                break;
            }

            AbandonUpgrade(probe, $"packet {packet.Type} before upgrade");
            return;
        }

        lock (_gate)
        {
            if (_upgrade != probe || _state != SessionState.Open)
            {
                webSocket.Abort();
                return;
            }

            probe.Dispose();
            _upgrade = null;
            _transport = EngineIOTransport.WebSocket;
            _webSocket = webSocket;

            // The polling transport is discarded; a GET still pending now is told to close.
            SignalPendingGet_Locked(PollSignal.Close);
        }

        EngineIOLog.SessionUpgraded(Logger, Id);
        await RunWebSocketAsync(webSocket, batching, reader);
    }

    private void OnUpgradeNoopTick(UpgradeProbe probe)
    {
        lock (_gate)
        {
            if (_upgrade == probe)
            {
                SignalPendingGet_Locked(PollSignal.Noop);
            }
        }
    }

    private void AbandonUpgrade(UpgradeProbe probe, string why)
    {
        lock (_gate)
        {
            if (_upgrade != probe)
            {
                return;
            }

            AbandonUpgrade_Locked();
        }

        EngineIOLog.UpgradeAbandoned(Logger, Id, why);
    }

    private void AbandonUpgrade_Locked()
    {
        var probe = _upgrade;
        if (probe is null)
        {
            return;
        }

        _upgrade = null;
        probe.Dispose();
        probe.WebSocket.Abort();
    }

    private static async Task CloseOutputQuietlyAsync(WebSocket webSocket, WebSocketCloseStatus status)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await webSocket.CloseOutputAsync(status, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closed or gone.
        }
    }

    /// <summary>A peer that never answers our close frame must not hold the connection open.</summary>
    private static async Task AbortAfterGraceAsync(WebSocket webSocket)
    {
        await Task.Delay(s_closeHandshakeGrace);
        webSocket.Abort();
    }
}
