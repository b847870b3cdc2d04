using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Typed.EngineIO.Internal.Transports;

/// <summary>
/// The HTTP long-polling transport: a GET waits for the session's packets, a POST carries the client's. It lives in
/// those requests; between them it is only the pending GET and the POST-in-progress flag.
/// </summary>
internal sealed class PollingTransport(EngineIOSession session) : EngineIOTransportBase(session)
{
    private static readonly byte[] s_ok = "ok"u8.ToArray();

    // Guarded by Session.Gate.
    private PendingPoll? _pendingGet;
    private bool _postInProgress;

    // The client closed (POST "1") with no GET pending: the GET it sent beside the close is answered with a noop when
    // it arrives, as it would have been had it arrived first (SPEC A9).
    private bool _owesNoopAfterClose;

    public override EngineIOTransport Name => EngineIOTransport.Polling;

    public override bool CanUpgrade => true;

    /// <summary>Only a GET held open can take a packet now.</summary>
    public override bool IsWritable_Locked => _pendingGet is not null;

    private ILogger Logger => Session.Logger;

    public override void Flush_Locked() => Release_Locked(PollSignal.Data);

    public override void Close_Locked(EngineIOCloseReason reason, bool closeFrameSent)
    {
        // A client close packet releases the pending GET with a noop; any other close tells the client to close.
        if (reason != EngineIOCloseReason.TransportClose)
        {
            Release_Locked(PollSignal.Close);
            return;
        }

        // The JavaScript client keeps a GET in flight while it POSTs its close; when the POST is read first, that
        // GET must still get the noop it would have had otherwise, not a 400.
        _owesNoopAfterClose = _pendingGet is null;
        Release_Locked(PollSignal.Noop);
    }

    public override bool AnswersAfterClose_Locked => _owesNoopAfterClose;

    public override void ForgetAnswerAfterClose_Locked() => _owesNoopAfterClose = false;

    /// <summary>The session moved to a WebSocket: a GET still pending now is told to close.</summary>
    public override void Discard_Locked() => Release_Locked(PollSignal.Close);

    /// <summary>
    /// Every pending GET is answered with a noop until the upgrade ends (the probe calls this periodically), so the
    /// client's polling pauses quickly; answering only one leaves a second GET hanging until the next ping.
    /// </summary>
    public override void OnUpgradeProbed_Locked() => Release_Locked(PollSignal.Noop);

    private void Release_Locked(PollSignal signal)
    {
        var pending = _pendingGet;
        if (pending is null || (signal == PollSignal.Data && !Session.HasQueued_Locked && Session.State_Locked == EngineIOSessionState.Open))
        {
            return;
        }

        _pendingGet = null;
        pending.TrySetResult(signal);
    }

    /// <summary>A polling GET: answered at once when packets are queued, otherwise held until some are.</summary>
    public async Task HandleGetAsync(HttpContext context)
    {
        PendingPoll? waiter = null;
        PendingPoll? overlapped = null;
        int? rejection = null;
        var owedNoop = false;
        lock (Session.Gate)
        {
            var state = Session.State_Locked;
            if (state == EngineIOSessionState.Closed && _owesNoopAfterClose)
            {
                // The GET that raced the client's close: answered as if it had come first; the sid is then unknown.
                owedNoop = true;
                Session.EndCloseGrace_Locked();
            }
            else if (state == EngineIOSessionState.Closed)
            {
                rejection = EngineIOErrors.UnknownSid;
            }
            else if (!Session.IsCarriedBy_Locked(this))
            {
                rejection = EngineIOErrors.BadRequest;
            }
            else if (_pendingGet is not null)
            {
                overlapped = _pendingGet;
                _pendingGet = null;
            }
            else if (!Session.HasQueued_Locked && state == EngineIOSessionState.Open)
            {
                waiter = new PendingPoll(this);
                _pendingGet = waiter;
            }
        }

        if (rejection is int code)
        {
            await EngineIOErrors.WriteAsync(context, code).ConfigureAwait(false);
            return;
        }

        if (overlapped is not null)
        {
            // Two GETs at once: the reference answers the first with a close, refuses the second and ends the session.
            overlapped.TrySetResult(PollSignal.Close);
            EngineIOLog.ProtocolViolation(Logger, Session.Id, "overlapping GET requests");
            OnClose(EngineIOCloseReason.TransportError);
            EngineIOErrors.WriteEmpty(context, StatusCodes.Status400BadRequest);
            return;
        }

        var signal = owedNoop ? PollSignal.Noop : PollSignal.Data;
        if (waiter is not null)
        {
            using (context.RequestAborted.Register(static state => ((PendingPoll)state!).Transport.OnPollAborted((PendingPoll)state!), waiter))
            {
                signal = await waiter.Task.ConfigureAwait(false);
            }
        }

        await WritePollResponseAsync(context, signal, wasPending: waiter is not null).ConfigureAwait(false);
    }

    private void OnPollAborted(PendingPoll waiter)
    {
        lock (Session.Gate)
        {
            if (_pendingGet != waiter)
            {
                return;
            }

            _pendingGet = null;
        }

        waiter.TrySetResult(PollSignal.Close);
        EngineIOLog.ProtocolViolation(Logger, Session.Id, "poll connection closed prematurely");
        OnClose(EngineIOCloseReason.TransportError);
    }

    /// <param name="context">The GET being answered.</param>
    /// <param name="signal">What released it.</param>
    /// <param name="wasPending">
    /// The GET was held open when a server close came: it carries the close alone. A GET that arrives after the
    /// close carries a noop first (<c>6\x1e1</c>), as the reference writes it.
    /// </param>
    private async Task WritePollResponseAsync(HttpContext context, PollSignal signal, bool wasPending)
    {
        List<EngineIOOutgoingPacket> packets;
        int drained;
        var isFinalFlush = false;
        var closedMeanwhile = false;
        lock (Session.Gate)
        {
            // The session closed (its heartbeat deadline, say) between this GET's arrival and its answer, and dropped
            // its queue: nothing was written yet, so the GET is answered as one that came after the close (400),
            // not with an empty noop.
            closedMeanwhile = signal == PollSignal.Data && !wasPending && Session.State_Locked == EngineIOSessionState.Closed;

            // The whole queue goes in this one response.
            packets = signal == PollSignal.Data && !closedMeanwhile ? Session.Drain_Locked() : [];
            drained = packets.Count;
            if (signal == PollSignal.Data && Session.State_Locked == EngineIOSessionState.Closing && packets.Count == 0)
            {
                // The close goes alone, in the GET after the last queued packets: the JavaScript client handles a
                // payload's messages on a later tick than its close, so "41\x1e1" would be seen as close, then 41.
                if (!wasPending)
                {
                    packets.Add(EngineIOOutgoingPacket.Noop);
                }

                packets.Add(EngineIOOutgoingPacket.Close);
                isFinalFlush = true;
            }
        }

        if (closedMeanwhile)
        {
            await EngineIOErrors.WriteAsync(context, EngineIOErrors.UnknownSid).ConfigureAwait(false);
            return;
        }

        if (signal == PollSignal.Close)
        {
            packets.Add(EngineIOOutgoingPacket.Close);
        }
        else if (packets.Count == 0)
        {
            packets.Add(EngineIOOutgoingPacket.Noop);
        }

        try
        {
            SetPollingHeaders(context, "text/plain; charset=UTF-8");
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packets);
            var length = EngineIOCodec.GetPayloadLength(span);
            if (PollingCompression.ChooseEncoding(context, Session.Options, length) is { } encoding)
            {
                PollingCompression.WritePayload(context, span, length, encoding);
            }
            else
            {
                context.Response.ContentLength = length;
                EngineIOCodec.WritePayload(span, context.Response.BodyWriter);
            }

            var flushed = await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                OnAnswerFailed(drained, "the connection ended while it was written");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
        {
            OnAnswerFailed(drained, ex.GetType().Name + ": " + ex.Message);
        }
        finally
        {
            Session.ReturnDrained(packets);
            if (isFinalFlush)
            {
                Session.OnFinalFlushWritten();
            }
        }
    }

    /// <summary>
    /// A poll's answer was handed to the server but its flush failed: logged, and the session goes on, as engine.io's
    /// does (it never checks a poll's answer either). A failed flush does not mean the client missed the answer:
    /// Kestrel checks the request's abort token after an awaited flush has completed, so a client that read the whole
    /// answer (its length is in Content-Length) and closed the connection at once (the JavaScript client sends
    /// <c>Connection: close</c> with every poll) makes a delivered answer throw whenever the server's continuation runs
    /// after that close, which a loaded machine makes common. Ending the session then cut a client that had received
    /// everything. A client that really did not receive the answer fails that request and closes the session itself,
    /// and the heartbeat then ends it here; nothing is lost silently.
    /// </summary>
    private void OnAnswerFailed(int drained, string detail) =>
        EngineIOLog.TransportFailed(Logger, Session.Id, Name,
            $"a poll's answer ({drained} packets) may not have reached the client ({detail}); the session goes on");

    /// <summary>A polling POST: reads the payload (bounded), decodes it and hands each packet to the session.</summary>
    public async Task HandlePostAsync(HttpContext context)
    {
        int? rejection = null;
        var overlap = false;
        lock (Session.Gate)
        {
            if (Session.State_Locked != EngineIOSessionState.Open)
            {
                rejection = EngineIOErrors.UnknownSid;
            }
            else if (!Session.IsCarriedBy_Locked(this))
            {
                rejection = EngineIOErrors.BadRequest;
            }
            else if (_postInProgress)
            {
                overlap = true;
            }
            else
            {
                _postInProgress = true;
            }
        }

        if (rejection is int code)
        {
            await EngineIOErrors.WriteAsync(context, code).ConfigureAwait(false);
            return;
        }

        if (overlap)
        {
            EngineIOLog.ProtocolViolation(Logger, Session.Id, "overlapping POST requests");
            OnClose(EngineIOCloseReason.TransportError);
            EngineIOErrors.WriteEmpty(context, StatusCodes.Status400BadRequest);
            return;
        }

        bool answerOk;
        try
        {
            answerOk = await ProcessPostAsync(context).ConfigureAwait(false);
        }
        finally
        {
            // Cleared before "ok" is written: the client sends its next POST the moment it reads the answer.
            lock (Session.Gate)
            {
                _postInProgress = false;
            }
        }

        if (answerOk)
        {
            SetPollingHeaders(context, "text/html");
            context.Response.ContentLength = 2;
            await context.Response.Body.WriteAsync(s_ok).ConfigureAwait(false);
        }
    }

    /// <summary>Reads, decodes and handles a POST's packets; false when the request was refused (its status is set).</summary>
    private async Task<bool> ProcessPostAsync(HttpContext context)
    {
        byte[]? body = null;
        try
        {
            if (string.Equals(context.Request.ContentType, "application/octet-stream", StringComparison.OrdinalIgnoreCase))
            {
                // v4 payloads are always text; a binary body is the v3 framing.
                EngineIOLog.ProtocolViolation(Logger, Session.Id, "binary POST body");
                OnClose(EngineIOCloseReason.TransportError);
                EngineIOErrors.WriteEmpty(context, StatusCodes.Status400BadRequest);
                return false;
            }

            var (buffer, length, status) = await ReadBodyAsync(context).ConfigureAwait(false);
            body = buffer;
            if (status != BodyReadStatus.Complete)
            {
                EngineIOLog.ProtocolViolation(Logger, Session.Id, status == BodyReadStatus.TooLarge ? "POST body larger than maxHttpBufferSize" : "POST body aborted");
                OnClose(EngineIOCloseReason.TransportError);
                if (status == BodyReadStatus.TooLarge)
                {
                    EngineIOErrors.WriteEmpty(context, StatusCodes.Status413PayloadTooLarge);
                }

                return false;
            }

            var packets = new List<EngineIOPacket>();
            if (!EngineIOCodec.TryDecodePayload(body.AsMemory(0, length), packets, Session.Options.MaxPacketsPerPayload, out var error))
            {
                EngineIOLog.ProtocolViolation(Logger, Session.Id, error!);
                OnClose(EngineIOCloseReason.ParseError);
                EngineIOErrors.WriteEmpty(context, StatusCodes.Status400BadRequest);
                return false;
            }

            foreach (var packet in packets)
            {
                if (!await OnPacketAsync(packet).ConfigureAwait(false))
                {
                    if (packet.Type == EngineIOPacketType.Ping)
                    {
                        EngineIOErrors.WriteEmpty(context, StatusCodes.Status400BadRequest);
                        return false;
                    }

                    break;
                }
            }

            return true;
        }
        finally
        {
            if (body is { Length: > 0 })
            {
                ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    /// <summary>Reads the whole body into a pooled buffer, refusing it as soon as it passes maxHttpBufferSize.</summary>
    private async Task<(byte[] Buffer, int Length, BodyReadStatus Status)> ReadBodyAsync(HttpContext context)
    {
        var max = Session.Options.MaxHttpBufferSize;
        var declared = context.Request.ContentLength;
        if (declared > max)
        {
            return ([], 0, BodyReadStatus.TooLarge);
        }

        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false } && sizeFeature.MaxRequestBodySize < max)
        {
            sizeFeature.MaxRequestBodySize = max;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(declared ?? 4096, max));
        var length = 0;
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                foreach (var segment in result.Buffer)
                {
                    if (length + segment.Length > max)
                    {
                        reader.AdvanceTo(result.Buffer.End);
                        return (buffer, 0, BodyReadStatus.TooLarge);
                    }

                    if (length + segment.Length > buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, length + segment.Length), max));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    segment.Span.CopyTo(buffer.AsSpan(length));
                    length += segment.Length;
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return (buffer, length, result.IsCanceled ? BodyReadStatus.Aborted : BodyReadStatus.Complete);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or BadHttpRequestException or ConnectionResetException)
        {
            // Aborted, too slow (Kestrel's minimum data rate) or malformed chunking.
            return (buffer, 0, BodyReadStatus.Aborted);
        }
    }

    private static void SetPollingHeaders(HttpContext context, string contentType)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-store";
        var userAgent = context.Request.Headers.UserAgent.ToString();
        if (userAgent.Contains(";MSIE", StringComparison.Ordinal) || userAgent.Contains("Trident/", StringComparison.Ordinal))
        {
            response.Headers["X-XSS-Protection"] = "0";
        }
    }

    private enum BodyReadStatus
    {
        Complete,
        TooLarge,
        Aborted,
    }

    /// <summary>A GET waiting for packets; it knows its transport so the abort callback needs no closure.</summary>
    private sealed class PendingPoll(PollingTransport transport) : TaskCompletionSource<PollSignal>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PollingTransport Transport { get; } = transport;
    }
}
