using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Typed.EngineIO.Internal.Transports;

/// <summary>
/// The WebSocket transport: one receive loop and one writer loop per socket, for sessions opened on WebSocket and
/// for polling sessions upgraded to it. Before an upgrade it is a probe (<see cref="ProbeAsync"/>): it answers
/// <c>2probe</c> and waits for <c>5</c> while the session stays on polling.
/// </summary>
internal sealed class WebSocketTransport(EngineIOSession session, WebSocket webSocket, BatchingWriteStream? batching, WebSocketMessageReader reader)
    : EngineIOTransportBase(session)
{
    private static readonly TimeSpan s_closeHandshakeGrace = TimeSpan.FromSeconds(5);

    // Guarded by Session.Gate: the writer loop waiting for packets.
    private TaskCompletionSource? _writerWaiter;

    public override EngineIOTransport Name => EngineIOTransport.WebSocket;

    /// <summary>A packet goes out at once only when the writer loop is idle, waiting for one.</summary>
    public override bool IsWritable_Locked => _writerWaiter is not null;

    private ILogger Logger => Session.Logger;

    public override void Flush_Locked()
    {
        var waiter = _writerWaiter;
        if (waiter is null || (!Session.HasQueued_Locked && Session.State_Locked == EngineIOSessionState.Open))
        {
            return;
        }

        _writerWaiter = null;
        waiter.TrySetResult();
    }

    public override void Close_Locked(EngineIOCloseReason reason, bool closeFrameSent)
    {
        // The peer already closed for TransportClose, and a close frame already written (e.g. 1009) must not be
        // discarded before it is on the wire; for errors and timeouts the socket goes down at once.
        if (!closeFrameSent && reason != EngineIOCloseReason.TransportClose)
        {
            webSocket.Abort();
        }
    }

    /// <summary>A probe that failed or timed out: its socket goes down.</summary>
    public override void Discard_Locked() => webSocket.Abort();

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
                catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
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
        _ = AbortAfterGraceAsync();
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
                    _ = AbortAfterGraceAsync();
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
                _ = AbortAfterGraceAsync();
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
        if (!packet.IsBinary)
        {
            return webSocket.SendAsync(packet.Encoded, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }

        return Session.BinaryAsBase64
            ? webSocket.SendAsync(EngineIOCodec.EncodeBinaryAsBase64Text(packet.Encoded.Span).AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
            : webSocket.SendAsync(packet.Encoded, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
    }

    private async Task CloseOutputQuietlyAsync(WebSocketCloseStatus status)
    {
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

    /// <summary>A peer that never answers our close frame must not hold the connection open.</summary>
    private async Task AbortAfterGraceAsync()
    {
        await Task.Delay(s_closeHandshakeGrace).ConfigureAwait(false);
        webSocket.Abort();
    }
}
