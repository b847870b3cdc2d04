using Microsoft.Extensions.Logging;
using Typed.EngineIO.Internal.Transports;

namespace Typed.EngineIO.Internal;

/// <summary>
/// One Engine.IO session, as engine.io's <c>Socket</c>: the state machine (open, closing, closed, and an upgrade in
/// progress beside it), the heartbeat, the outbox and the delivery to the application's handler. The transport that
/// carries it is an object (<see cref="EngineIOTransportBase"/>) that it asks to flush; an upgrade swaps that object
/// for a WebSocket once the probe succeeds. The transports do their I/O outside the lock.
/// </summary>
internal sealed class EngineIOSession : EngineIOSocket
{
    private readonly EngineIOServer _server;

    /// <summary>
    /// Guards every mutable field below except the handler lane's, and the mutable fields of this session's
    /// transports (the pending GET, the POST flag, the writer's waiter): one lock per session, so a transition and
    /// the transport's reaction to it are one step. Never held across an await or a call into the application.
    /// </summary>
    private readonly object _gate = new();
    private readonly CancellationTokenSource _closed = new();

    // The application's callbacks for one session run one at a time, in order (opened, messages, closed), even when
    // a close comes from the heartbeat timer while a message handler is still running. _closedDelivered is guarded
    // by the lane, not by _gate.
    private readonly SemaphoreSlim _handlerLane = new(1, 1);
    private bool _closedDelivered;

    private EngineIOSessionState _state = EngineIOSessionState.Open;
    private EngineIOTransportBase _transport;
    private EngineIOUpgradeProbe? _upgrade;

    // Two lists swap so that a drain hands one to the transport while new packets go into the other.
    private List<EngineIOOutgoingPacket> _outbox = [];
    private long _outboxBytes;
    private List<EngineIOOutgoingPacket> _spareOutbox = [];
    private Dictionary<object, object?>? _items;

    // One timer per session: the ping interval, then the pong deadline, then (when closing) the close deadline, and
    // last (for a polling session the client closed) the end of the grace in which its racing GET is answered.
    private readonly Timer _heartbeat;
    private bool _awaitingPong;

    // When the session counts as timed out if no pong has come (a Stopwatch timestamp): pingInterval + pingTimeout
    // after the handshake or the last pong. Requests check it on arrival, so the outcome does not depend on whether
    // the timer has fired yet on a busy machine; long.MaxValue until the heartbeat starts.
    private long _heartbeatDeadline = long.MaxValue;

    /// <param name="server">The endpoint the session belongs to.</param>
    /// <param name="id">The session id.</param>
    /// <param name="handshake">What the handshake request carried.</param>
    /// <param name="binaryAsBase64">The peer asked (<c>b64=1</c>) for binary messages as base64 text frames.</param>
    /// <param name="createTransport">Creates the transport the handshake came on; it needs the session it carries.</param>
    public EngineIOSession(EngineIOServer server, string id, EngineIOHandshake handshake, bool binaryAsBase64, Func<EngineIOSession, EngineIOTransportBase> createTransport)
    {
        _server = server;
        Id = id;
        Handshake = handshake;
        BinaryAsBase64 = binaryAsBase64;
        _transport = createTransport(this);
        _heartbeat = new Timer(static state => ((EngineIOSession)state!).OnHeartbeatTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    private enum HandlerCall
    {
        Opened,
        Message,
        Closed,
    }

    public override string Id { get; }

    public override EngineIOHandshake Handshake { get; }

    public override EngineIOTransport Transport => CurrentTransport.Name;

    public override bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _state == EngineIOSessionState.Open;
            }
        }
    }

    public override IDictionary<object, object?> Items
    {
        get
        {
            lock (_gate)
            {
                return _items ??= [];
            }
        }
    }

    public override CancellationToken Closed => _closed.Token;

    /// <summary>The peer asked (<c>b64=1</c>) for binary messages as base64 text frames on WebSocket.</summary>
    public bool BinaryAsBase64 { get; }

    /// <summary>The transport that carries the session now.</summary>
    public EngineIOTransportBase CurrentTransport
    {
        get
        {
            lock (_gate)
            {
                return _transport;
            }
        }
    }

    /// <summary>The session's lock; see <see cref="_gate"/> for what it guards.</summary>
    internal object Gate => _gate;

    internal EngineIOSessionState State_Locked => _state;

    internal bool HasQueued_Locked => _outbox.Count > 0;

    internal ILogger Logger => _server.Logger;

    internal EngineIOOptions Options => _server.Options;

    public override void Send(string text) => EnqueueCore([EngineIOOutgoingPacket.FromText(text)], isVolatile: false);

    public override void Send(ReadOnlyMemory<byte> bytes) => EnqueueCore([EngineIOOutgoingPacket.FromBinary(bytes)], isVolatile: false);

    public override void Send(ReadOnlySpan<EngineIOOutgoingPacket> packets) => EnqueueCore(packets, isVolatile: false);

    public override bool TrySendVolatile(ReadOnlySpan<EngineIOOutgoingPacket> packets) => EnqueueCore(packets, isVolatile: true);

    public override void Close() => CloseCore(EngineIOCloseReason.ForcedClose);

    /// <summary>Starts the heartbeat: the first ping goes out one ping interval after the handshake.</summary>
    public void StartHeartbeat()
    {
        lock (_gate)
        {
            if (_state == EngineIOSessionState.Open)
            {
                RestartHeartbeat_Locked();
            }
        }
    }

    /// <summary>
    /// The next ping one ping interval from now, and the deadline for its pong one ping timeout after that; the
    /// deadline is fixed now, so a ping timer that fires late does not push it back.
    /// </summary>
    private void RestartHeartbeat_Locked()
    {
        _awaitingPong = false;
        _heartbeatDeadline = System.Diagnostics.Stopwatch.GetTimestamp()
            + (long)((Options.PingInterval + Options.PingTimeout).TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _heartbeat.Change(Options.PingInterval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Closes the session with <c>ping timeout</c> when its heartbeat deadline has passed, even if the timer that
    /// would close it has not run yet (a busy thread pool runs it late). Called when a request for the session
    /// arrives: a request after the deadline finds the session gone, as it would on an idle machine.
    /// </summary>
    /// <returns>True when the session is past its deadline (and now closed).</returns>
    public bool CloseIfHeartbeatExpired()
    {
        lock (_gate)
        {
            if (_state != EngineIOSessionState.Open || System.Diagnostics.Stopwatch.GetTimestamp() < _heartbeatDeadline)
            {
                return false;
            }
        }

        CloseCore(EngineIOCloseReason.PingTimeout);
        return true;
    }

    /// <summary>Whether <paramref name="transport"/> carries the session (it may have been replaced by an upgrade).</summary>
    internal bool IsCarriedBy_Locked(EngineIOTransportBase transport) => _transport == transport;

    /// <summary>
    /// Queues packets that must stay together and in order (a binary Socket.IO packet and its attachments) for
    /// whichever transport carries the session. A volatile write is dropped when the transport cannot take it now.
    /// </summary>
    /// <returns>False when the packets were dropped: the session has closed, or a volatile write found no room.</returns>
    private bool EnqueueCore(ReadOnlySpan<EngineIOOutgoingPacket> packets, bool isVolatile)
    {
        EngineIOTransportBase? direct = null;
        lock (_gate)
        {
            if (_state != EngineIOSessionState.Open)
            {
                return false;
            }

            if (isVolatile && !_transport.IsWritable_Locked)
            {
                return false;
            }

            // Nothing waits ahead of a single packet and the transport can write it now (a broadcast's shared frame
            // to an idle WebSocket): it goes from this thread, with no wake-up of the writer. Otherwise it is queued.
            if (packets.Length == 1 && _outbox.Count == 0 && _transport.TryBeginDirectWrite_Locked(packets[0]))
            {
                direct = _transport;
            }
            else
            {
                foreach (var packet in packets)
                {
                    _outboxBytes += packet.Encoded.Length;
                }

                if (_outboxBytes <= Options.MaxBufferedBytes)
                {
                    _outbox.AddRange(packets);
                    _transport.Flush_Locked();
                    return true;
                }
            }
        }

        if (direct is not null)
        {
            direct.WriteDirect(packets[0]);
            return true;
        }

        // A peer that stopped reading while the server keeps sending would grow the queue until the ping timeout.
        EngineIOLog.ProtocolViolation(Logger, Id, $"more than {Options.MaxBufferedBytes} bytes waiting to be sent");
        CloseCore(EngineIOCloseReason.TransportError);
        return false;
    }

    /// <summary>Handles one decoded packet from the client, whichever transport carried it.</summary>
    /// <returns>False when the packet ended the session.</returns>
    public async ValueTask<bool> OnPacketAsync(EngineIOPacket packet)
    {
        switch (packet.Type)
        {
            case EngineIOPacketType.Message:
                await DeliverAsync(HandlerCall.Message, new EngineIOMessage(packet.Data, packet.IsBinary)).ConfigureAwait(false);
                return IsOpen;
            case EngineIOPacketType.Pong:
                OnPong();
                return true;
            case EngineIOPacketType.Close:
                CloseCore(EngineIOCloseReason.TransportClose);
                return false;
            case EngineIOPacketType.Ping:
                // v4 servers ping; a client ping outside an upgrade probe breaks the heartbeat direction.
                EngineIOLog.ProtocolViolation(Logger, Id, "ping from client (invalid heartbeat direction)");
                CloseCore(EngineIOCloseReason.TransportError);
                return false;
            default:
                // open, upgrade and noop from the client mean nothing on an open session: ignored, as in the reference.
                return true;
        }
    }

    /// <summary>Runs the application's <see cref="EngineIOHandler.OnOpenedAsync"/> before any message is delivered.</summary>
    public Task DeliverOpenedAsync() => DeliverAsync(HandlerCall.Opened);

    /// <summary>
    /// Hands one event of the session's life to the application's handler, through the handler lane so calls never
    /// overlap. Nothing is delivered after the close.
    /// </summary>
    private async Task DeliverAsync(HandlerCall call, EngineIOMessage message = default, EngineIOCloseReason reason = default)
    {
        await _handlerLane.WaitAsync().ConfigureAwait(false);
        try
        {
            var handler = _server.Handler;
            switch (call)
            {
                case HandlerCall.Opened:
                    await handler.OnOpenedAsync(this).ConfigureAwait(false);
                    break;
                case HandlerCall.Message when !_closedDelivered:
                    await handler.OnMessageAsync(this, message).ConfigureAwait(false);
                    break;
                case HandlerCall.Closed:
                    _closedDelivered = true;
                    await handler.OnClosedAsync(this, reason).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex)
        {
            // One faulty handler call must not take the session down with it.
            EngineIOLog.HandlerFailed(Logger, ex, CallbackName(call), Id);
        }
        finally
        {
            _handlerLane.Release();
        }
    }

    private static string CallbackName(HandlerCall call) => call switch
    {
        HandlerCall.Opened => nameof(EngineIOHandler.OnOpenedAsync),
        HandlerCall.Message => nameof(EngineIOHandler.OnMessageAsync),
        _ => nameof(EngineIOHandler.OnClosedAsync),
    };

    private void OnPong()
    {
        lock (_gate)
        {
            if (_state != EngineIOSessionState.Open)
            {
                return;
            }

            // An unsolicited pong only pushes the next ping back; no timer is created.
            RestartHeartbeat_Locked();
        }
    }

    private void OnHeartbeatTimer()
    {
        lock (_gate)
        {
            if (_state == EngineIOSessionState.Closing)
            {
                // The client never came back for the close: give up on telling it.
                FinishClose_Locked();
                return;
            }

            if (_state == EngineIOSessionState.Closed)
            {
                // The grace for a GET racing the client's close packet is over: the sid is unknown from now on.
                EndCloseGrace_Locked();
                return;
            }

            if (_state != EngineIOSessionState.Open)
            {
                return;
            }

            if (!_awaitingPong)
            {
                // The pong deadline starts when the ping is queued, not when a GET carries it.
                _awaitingPong = true;
                _outbox.Add(EngineIOOutgoingPacket.Ping);
                _transport.Flush_Locked();

                // What is left until the deadline: a ping timer that ran late does not give the client more time
                // than a request arriving at the deadline would see (CloseIfHeartbeatExpired).
                var remaining = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), _heartbeatDeadline);
                _heartbeat.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        CloseCore(EngineIOCloseReason.PingTimeout);
    }

    /// <summary>
    /// Closes the session for <paramref name="reason"/>. A server close (<see cref="EngineIOCloseReason.ForcedClose"/>)
    /// first writes what is queued, then tells the client; every other reason drops the queue.
    /// </summary>
    /// <param name="reason">Why the session closes.</param>
    /// <param name="closeFrameSent">
    /// The WebSocket has already sent its close frame (e.g. 1009): it must not be aborted, which would discard the
    /// frame before it is on the wire; the connection ends when the transport's request returns.
    /// </param>
    /// <param name="from">
    /// The transport that ended, when a transport reports it. Only the one that carries the session can end it: a
    /// polling transport the upgrade discarded may still be finishing a request (a POST whose body is cut off, a poll
    /// whose answer the client has read and then dropped the connection), and its failure is ignored, as engine.io's
    /// <c>clearTransport</c> silences a discarded transport's errors. Ending the upgraded session for it would abort a
    /// healthy WebSocket.
    /// </param>
    public bool CloseCore(EngineIOCloseReason reason, bool closeFrameSent = false, EngineIOTransportBase? from = null)
    {
        var discarded = false;
        lock (_gate)
        {
            if (from is not null && !ReferenceEquals(from, _transport))
            {
                discarded = true;
            }
            else if (!BeginClose_Locked(reason, closeFrameSent))
            {
                return false;
            }
        }

        if (discarded)
        {
            EngineIOLog.DiscardedTransportClosed(Logger, Id, reason.ToWireString(), from!.Name);
            return false;
        }

        EngineIOLog.SessionClosed(Logger, Id, reason.ToWireString());
        _ = DeliverAsync(HandlerCall.Closed, reason: reason);
        return true;
    }

    /// <summary>The state change of <see cref="CloseCore"/>; false when the session was no longer open.</summary>
    private bool BeginClose_Locked(EngineIOCloseReason reason, bool closeFrameSent)
    {
        if (_state != EngineIOSessionState.Open)
        {
            return false;
        }

        _awaitingPong = false;
        if (reason == EngineIOCloseReason.ForcedClose)
        {
            _state = EngineIOSessionState.Closing;
            _heartbeat.Change(Options.CloseTimeout, Timeout.InfiniteTimeSpan);
            _transport.Flush_Locked();
        }
        else
        {
            _outbox.Clear();
            _outboxBytes = 0;

            // Tell the transport first: finishing the close would otherwise release a pending GET with a noop
            // (as plain "data") before it could be told to close.
            _transport.Close_Locked(reason, closeFrameSent);
            FinishClose_Locked();
        }

        return true;
    }

    /// <summary>Whether a server close is still writing its last packets (the socket then keeps reading).</summary>
    public bool IsClosingGracefully()
    {
        lock (_gate)
        {
            return _state == EngineIOSessionState.Closing;
        }
    }

    /// <summary>Marks the session closed and forgets it: its sid is unknown from now on.</summary>
    private void FinishClose_Locked()
    {
        if (_state == EngineIOSessionState.Closed)
        {
            return;
        }

        _state = EngineIOSessionState.Closed;
        _server.Remove(this);
        AbandonUpgrade_Locked();
        _transport.Flush_Locked();
        if (_transport.AnswersAfterClose_Locked)
        {
            // The client closed with no GET pending, and the GET it sent beside the close may not have reached us
            // yet: the sid stays known to that one GET for a moment (see PollingTransport.Close_Locked).
            _server.KeepForCloseGrace(this);
            _heartbeat.Change(ClientCloseGrace, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _heartbeat.Dispose();
        }

        // Callbacks registered on Closed run on the thread pool, never inside this lock.
        _ = _closed.CancelAsync();
    }

    /// <summary>
    /// How long a polling session the client closed (POST <c>1</c>) with no GET pending keeps answering one GET with
    /// a noop. The JavaScript client sends its close while a GET may be in flight; whichever request the server reads
    /// first, that GET gets <c>6</c> (SPEC A9).
    /// </summary>
    internal static readonly TimeSpan ClientCloseGrace = TimeSpan.FromSeconds(2);

    /// <summary>The GET owed a noop after the client's close has had it, or the grace has passed: forget the sid.</summary>
    internal void EndCloseGrace_Locked()
    {
        _transport.ForgetAnswerAfterClose_Locked();
        _heartbeat.Dispose();
        _server.EndCloseGrace(this);
    }

    /// <summary>Called by the transport that wrote the last packets of a server close.</summary>
    public void OnFinalFlushWritten()
    {
        lock (_gate)
        {
            FinishClose_Locked();
        }
    }

    /// <summary>Takes everything queued. Give the list back with <see cref="ReturnDrained"/> once written.</summary>
    public List<EngineIOOutgoingPacket> Drain_Locked()
    {
        var drained = _outbox;
        _outboxBytes = 0;
        _outbox = _spareOutbox;
        _spareOutbox = [];
        return drained;
    }

    public void ReturnDrained(List<EngineIOOutgoingPacket> drained)
    {
        drained.Clear();
        lock (_gate)
        {
            if (_spareOutbox.Count == 0 && drained.Capacity <= 1024)
            {
                _spareOutbox = drained;
            }
        }
    }

    /// <summary>
    /// Moves the session to <paramref name="next"/> if it can upgrade (engine.io's <c>maybeUpgrade</c>): the probe
    /// answers <c>2probe</c>, the current transport releases the client's polls with noops, and <c>5</c> swaps the
    /// transports; the old one is discarded and the new one carries the session until it closes. Anything else, a
    /// closed socket or the upgrade timeout leaves the session where it was. A refused upgrade (already upgrading or
    /// upgraded, closed session, upgrades off) is accepted and closed at once, as the reference does.
    /// </summary>
    public async Task MaybeUpgradeAsync(WebSocketTransport next)
    {
        EngineIOUpgradeProbe? probe = null;
        lock (_gate)
        {
            if (_state == EngineIOSessionState.Open && _transport.CanUpgrade && _upgrade is null && Options.AllowUpgrades)
            {
                probe = _upgrade = new EngineIOUpgradeProbe(this, next);
                probe.Start();
            }
        }

        if (probe is null)
        {
            EngineIOLog.UpgradeAbandoned(Logger, Id, "session cannot upgrade now");
            await next.RefuseAsync().ConfigureAwait(false);
            return;
        }

        if (await next.ProbeAsync(probe).ConfigureAwait(false) is { } failure)
        {
            AbandonUpgrade(probe, failure);
            return;
        }

        lock (_gate)
        {
            // A server close that began during the probe (Closing) still completes the upgrade, as the reference's
            // close() waits for the buffer to drain: the client paused polling for the upgrade, so what is queued
            // (a Socket.IO DISCONNECT, say) and then the close can only reach it on the new WebSocket.
            if (_upgrade != probe || _state == EngineIOSessionState.Closed)
            {
                next.Discard_Locked();
                return;
            }

            probe.Dispose();
            _upgrade = null;
            SetTransport_Locked(next);
        }

        EngineIOLog.SessionUpgraded(Logger, Id);
        _server.Handler.OnUpgraded(this);
        await next.RunAsync().ConfigureAwait(false);
    }

    /// <summary>The upgrade's swap (engine.io's <c>setTransport</c> after <c>clearTransport</c>).</summary>
    private void SetTransport_Locked(EngineIOTransportBase next)
    {
        var previous = _transport;
        _transport = next;
        previous.Discard_Locked();
    }

    internal void OnUpgradeNoopTick(EngineIOUpgradeProbe probe)
    {
        lock (_gate)
        {
            if (_upgrade == probe)
            {
                _transport.OnUpgradeProbed_Locked();
            }
        }
    }

    internal void AbandonUpgrade(EngineIOUpgradeProbe probe, string why)
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
        probe.Transport.Discard_Locked();
    }
}
