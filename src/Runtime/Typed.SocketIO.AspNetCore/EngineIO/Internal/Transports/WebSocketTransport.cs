using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Typed.EngineIO.Internal.Transports;

/// <summary>
/// The WebSocket transport: one receive loop and one writer loop per socket, for sessions opened on WebSocket and
/// for polling sessions upgraded to it. Before an upgrade it is a probe (<see cref="ProbeAsync"/>): it answers
/// <c>2probe</c> and waits for <c>5</c> while the session stays on polling.
/// </summary>
/// <remarks>
/// Once the session stops being open, the connection has a deadline: <see cref="EngineIOOptions.CloseTimeout"/>
/// after the close (and at most 5 s after our close frame is written), the TCP connection is aborted. A peer that
/// stops reading would otherwise keep the writer waiting in a send forever, and with it the connection and every
/// buffer queued for it, while the session no longer counts against <see cref="EngineIOOptions.MaxSessions"/>.
/// </remarks>
internal sealed class WebSocketTransport(EngineIOSession session, WebSocket webSocket, BatchingWriteStream? batching, WebSocketMessageReader reader, HttpContext context)
    : EngineIOTransportBase(session)
{
    private static readonly TimeSpan s_closeHandshakeGrace = TimeSpan.FromSeconds(5);

    // Cancels the sends in progress when the connection is aborted, so no write waits on a peer that does not read.
    private readonly CancellationTokenSource _writeAborted = new();

    // Guards the abort deadline and the request's end; separate from Session.Gate because the abort timer runs
    // without it, and never held while calling into the session.
    private readonly object _abortGate = new();
    private Timer? _abortTimer;
    private long _abortDue = long.MaxValue;
    private bool _aborted;
    private bool _requestEnded;

    // Guarded by Session.Gate: the writer loop waiting for packets.
    private TaskCompletionSource? _writerWaiter;

    // Guarded by Session.Gate: the idle writer's waiter while a direct write has taken the writer's place. The
    // writer stays parked on it; the direct write gives it back, or wakes the writer if packets came meanwhile.
    private TaskCompletionSource? _parkedWaiter;

    public override EngineIOTransport Name => EngineIOTransport.WebSocket;

    /// <summary>A packet goes out at once only when the writer loop is idle, waiting for one.</summary>
    public override bool IsWritable_Locked => _writerWaiter is not null;

    /// <summary>
    /// The token of this transport's sends, cancelled when the connection is aborted. On the batching stream (every
    /// HTTP/1.1 socket) the abort cancels the stream's writes itself, so sends stay on the WebSocket's
    /// non-cancellable path, which allocates nothing per frame.
    /// </summary>
    public CancellationToken WriteAborted => batching is null ? _writeAborted.Token : CancellationToken.None;

    private ILogger Logger => Session.Logger;

    /// <summary>How long the peer has to answer our close frame, within the close deadline.</summary>
    private TimeSpan CloseHandshakeGrace => Session.Options.CloseTimeout < s_closeHandshakeGrace ? Session.Options.CloseTimeout : s_closeHandshakeGrace;

    public override void Flush_Locked()
    {
        if (Session.State_Locked != EngineIOSessionState.Open)
        {
            // A server close: the queued packets and the close frame have until the close deadline to leave.
            AbortAfter(Session.Options.CloseTimeout);
        }

        var waiter = _writerWaiter;
        if (waiter is null || (!Session.HasQueued_Locked && Session.State_Locked == EngineIOSessionState.Open))
        {
            return;
        }

        _writerWaiter = null;
        waiter.TrySetResult();
    }

    /// <summary>
    /// Takes the idle writer for a broadcast's shared frame (<see cref="SharedWebSocketFrame"/>): written to the
    /// connection by the broadcasting thread, instead of waking this socket's writer loop to send it through the
    /// WebSocket. Not with permessage-deflate, nor on HTTP/2 (no raw stream), nor behind a busy writer, where the
    /// frame queues and leaves with the writer's next batch.
    /// </summary>
    public override bool TryBeginDirectWrite_Locked(in EngineIOOutgoingPacket packet)
    {
        if (_writerWaiter is null || batching is not { AcceptsRawFrames: true } || !SharedWebSocketFrame.TryGetFrame(packet, out _))
        {
            return false;
        }

        _parkedWaiter = _writerWaiter;
        _writerWaiter = null;
        return true;
    }

    public override void WriteDirect(in EngineIOOutgoingPacket packet)
    {
        SharedWebSocketFrame.TryGetFrame(packet, out var frame);
        var write = batching!.WriteFrameAsync(frame);
        if (write.IsCompletedSuccessfully)
        {
            // The usual case: Kestrel's output took the frame without waiting (its send runs on its own I/O thread).
            EndDirectWrite(failed: false);
            return;
        }

        _ = AwaitDirectWriteAsync(write);
    }

    /// <summary>A direct write the connection could not take at once (the peer reads slowly): the writer waits for it.</summary>
    private async Task AwaitDirectWriteAsync(ValueTask write)
    {
        // The writer must get its waiter back whatever happens, or the socket would never send again.
        var failed = true;
        try
        {
            await write.ConfigureAwait(false);
            failed = false;
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection is gone: the session closes below.
            EngineIOLog.TransportFailed(Logger, Session.Id, Name, "a send failed: " + ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            EndDirectWrite(failed);
        }
    }

    /// <summary>Gives the writer back: parked again when nothing came meanwhile, woken otherwise (or to stop).</summary>
    private void EndDirectWrite(bool failed)
    {
        if (failed)
        {
            OnClose(EngineIOCloseReason.TransportError);
        }

        lock (Session.Gate)
        {
            var waiter = _parkedWaiter!;
            _parkedWaiter = null;
            if (Session.HasQueued_Locked || Session.State_Locked != EngineIOSessionState.Open)
            {
                waiter.TrySetResult();
            }
            else
            {
                _writerWaiter = waiter;
            }
        }
    }

    public override void Close_Locked(EngineIOCloseReason reason, bool closeFrameSent)
    {
        if (closeFrameSent)
        {
            // A close frame already written (e.g. 1009) must not be discarded before it is on the wire.
            AbortAfter(CloseHandshakeGrace);
        }
        else if (reason == EngineIOCloseReason.TransportClose)
        {
            // The peer closed: the request ends once the writer stops, unless the writer is stuck in a send to a
            // peer that no longer reads; the deadline covers that.
            AbortAfter(Session.Options.CloseTimeout);
        }
        else
        {
            // Errors and timeouts: the connection goes down at once.
            AbortConnection();
        }
    }

    /// <summary>A probe that failed or timed out: its connection goes down.</summary>
    public override void Discard_Locked() => AbortConnection();

    /// <summary>
    /// The request that carried this socket has returned: nothing may touch its HttpContext any more (Kestrel reuses
    /// it), and the connection ends with it.
    /// </summary>
    public void OnRequestEnded()
    {
        lock (_abortGate)
        {
            _requestEnded = true;
            _abortTimer?.Dispose();
            _abortTimer = null;
        }
    }

    /// <summary>Arms the abort deadline <paramref name="delay"/> from now, unless an earlier one is armed.</summary>
    private void AbortAfter(TimeSpan delay)
    {
        lock (_abortGate)
        {
            var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
            if (_aborted || _requestEnded || due >= _abortDue)
            {
                return;
            }

            _abortDue = due;
            _abortTimer ??= new Timer(static state => ((WebSocketTransport)state!).AbortConnection(), this, Timeout.Infinite, Timeout.Infinite);
            _abortTimer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Cuts the TCP connection and cancels the sends in progress. Aborting the WebSocket alone is not enough: it
    /// disposes the stream, but a send blocked on a peer that does not read stays blocked, and Kestrel would keep
    /// draining what is buffered into that peer after the request returned.
    /// </summary>
    private void AbortConnection()
    {
        lock (_abortGate)
        {
            if (_aborted)
            {
                return;
            }

            _aborted = true;
            _abortTimer?.Dispose();
            _abortTimer = null;
            if (!_requestEnded)
            {
                context.Abort();
            }
        }

        _writeAborted.Cancel();
        webSocket.Abort();
    }

    /// <summary>Carries the session until the socket closes: the receive loop here, the writer beside it.</summary>
    public async Task RunAsync()
    {
        var writer = RunWriterAsync();
        await RunReceiveLoopAsync().ConfigureAwait(false);
        await writer.ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the probe: <c>2probe</c> is answered with <c>3probe</c> (and <paramref name="probe"/> starts releasing
    /// the polls), until the client sends <c>5</c>.
    /// </summary>
    /// <returns>Null when the client sent <c>5</c>; otherwise why the upgrade is abandoned.</returns>
    public async Task<string?> ProbeAsync(EngineIOUpgradeProbe probe)
    {
        while (true)
        {
            if (await reader.ReadAsync().ConfigureAwait(false) != WebSocketReadStatus.Message)
            {
                return "probe socket closed";
            }

            if (!TryDecodeFrame(out var packet, out _) || packet.IsBinary)
            {
                return "unexpected frame during probe";
            }

            if (packet.Type == EngineIOPacketType.Ping && packet.IsProbe)
            {
                try
                {
                    await SendFrameAsync(EngineIOOutgoingPacket.PongProbe).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
                {
                    return "probe socket failed";
                }

                probe.StartNoops();
                continue;
            }

            if (packet.Type == EngineIOPacketType.Upgrade)
            {
                return null;
            }

            return $"packet {packet.Type} before upgrade";
        }
    }

    /// <summary>
    /// Closes a WebSocket whose upgrade was refused. No abort here: it would discard the 101 and the close frame
    /// before they are sent, and the client would see a reset instead of an accepted-then-closed socket.
    /// Returning ends the connection.
    /// </summary>
    public async Task RefuseAsync()
    {
        await CloseOutputQuietlyAsync(WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
        AbortAfter(CloseHandshakeGrace);
    }

    private async Task RunReceiveLoopAsync()
    {
        while (true)
        {
            var status = await reader.ReadAsync().ConfigureAwait(false);
            switch (status)
            {
                case WebSocketReadStatus.Message:
                    if (!TryDecodeFrame(out var packet, out var error))
                    {
                        EngineIOLog.ProtocolViolation(Logger, Session.Id, error!);
                        OnClose(EngineIOCloseReason.ParseError);
                        return;
                    }

                    if (!await OnPacketAsync(packet).ConfigureAwait(false) && !Session.IsClosingGracefully())
                    {
                        return;
                    }

                    continue;
                case WebSocketReadStatus.PeerClosed:
                    await CloseOutputQuietlyAsync(WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
                    OnClose(EngineIOCloseReason.TransportClose);
                    return;
                case WebSocketReadStatus.ConnectionLost:
                    OnClose(EngineIOCloseReason.TransportClose);
                    return;
                default:
                    // The close frame (1002, 1007, 1008, 1009) is already written; aborting now would discard it.
                    // Returning ends the request, and with it the connection, once the frame is sent; a peer that
                    // does not read is cut off after the grace period.
                    EngineIOLog.ProtocolViolation(Logger, Session.Id, reader.Error ?? "WebSocket protocol error");
                    OnClose(EngineIOCloseReason.TransportError, closeFrameSent: true);
                    AbortAfter(CloseHandshakeGrace);
                    return;
            }
        }
    }

    /// <summary>A binary frame is always a binary message; a text frame is a packet in its text form.</summary>
    private bool TryDecodeFrame(out EngineIOPacket packet, out string? error)
    {
        if (reader.MessageType == WebSocketMessageType.Binary)
        {
            packet = new EngineIOPacket(EngineIOPacketType.Message, reader.Message, isBinary: true);
            error = null;
            return true;
        }

        return EngineIOCodec.TryDecodeText(reader.Message, out packet, out error);
    }

    private async Task RunWriterAsync()
    {
        while (true)
        {
            TaskCompletionSource? waiter = null;
            List<EngineIOOutgoingPacket>? packets = null;
            var closing = false;
            lock (Session.Gate)
            {
                var state = Session.State_Locked;
                if (state == EngineIOSessionState.Closed)
                {
                    return;
                }

                if (Session.HasQueued_Locked)
                {
                    packets = Session.Drain_Locked();
                }
                else if (state == EngineIOSessionState.Closing)
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
                await waiter.Task.ConfigureAwait(false);
                continue;
            }

            if (closing)
            {
                // The reference sends an empty close frame (the client sees 1005). .NET cannot send one: Empty is
                // written as the status 1005, which RFC 6455 forbids on the wire and strict clients (Node's ws,
                // ClientWebSocket) treat as a protocol error. 1000 is the valid equivalent.
                await CloseOutputQuietlyAsync(WebSocketCloseStatus.NormalClosure).ConfigureAwait(false);
                Session.OnFinalFlushWritten();
                AbortAfter(CloseHandshakeGrace);
                return;
            }

            try
            {
                // Everything queued since the last flush leaves in as few network writes as the batch allows.
                batching?.BeginBatch();
                foreach (var packet in packets!)
                {
                    await SendFrameAsync(packet).ConfigureAwait(false);
                }

                if (batching is not null)
                {
                    await batching.EndBatchAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                EngineIOLog.TransportFailed(Logger, Session.Id, Name, "a send failed: " + ex.GetType().Name + ": " + ex.Message);
                OnClose(EngineIOCloseReason.TransportError);
                return;
            }
            finally
            {
                Session.ReturnDrained(packets!);
            }
        }
    }

    private ValueTask SendFrameAsync(EngineIOOutgoingPacket packet)
    {
        if (batching is { AcceptsRawFrames: true } && SharedWebSocketFrame.TryGetFrame(packet, out var frame))
        {
            // A broadcast's frame, built once for all its recipients: into the batch as it is.
            return batching.WriteFrameAsync(frame);
        }

        if (!packet.IsBinary)
        {
            return webSocket.SendAsync(packet.Encoded, WebSocketMessageType.Text, Flags(packet.Encoded.Length), WriteAborted);
        }

        if (Session.BinaryAsBase64)
        {
            var text = EngineIOCodec.EncodeBinaryAsBase64Text(packet.Encoded.Span).AsMemory();
            return webSocket.SendAsync(text, WebSocketMessageType.Text, Flags(text.Length), WriteAborted);
        }

        return webSocket.SendAsync(packet.Encoded, WebSocketMessageType.Binary, Flags(packet.Encoded.Length), WriteAborted);
    }

    /// <summary>
    /// A whole message; below engine.io's perMessageDeflate threshold it goes uncompressed (deflating a few bytes
    /// costs more than it saves). Without permessage-deflate negotiated the flag changes nothing.
    /// </summary>
    private WebSocketMessageFlags Flags(int length) =>
        length < Session.Options.PerMessageDeflateThreshold
            ? WebSocketMessageFlags.EndOfMessage | WebSocketMessageFlags.DisableCompression
            : WebSocketMessageFlags.EndOfMessage;

    private async Task CloseOutputQuietlyAsync(WebSocketCloseStatus status)
    {
        // No frame of ours may follow the close frame (the WebSocket itself refuses sends once it is closed).
        batching?.StopFrames();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await webSocket.CloseOutputAsync(status, null, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closed or gone.
        }
    }
}
