using Microsoft.Extensions.Logging;

namespace Typed.EngineIO.Internal;

/// <summary>
/// The state of one Engine.IO session: the outgoing buffer, the heartbeat, the transport that carries it, and the
/// close. Every transition happens under <see cref="_gate"/>; the transport halves of this class
/// (<c>EngineIOSession.Polling.cs</c>, <c>EngineIOSession.WebSocket.cs</c>) do their I/O outside it.
/// </summary>
internal sealed partial class EngineIOSession : EngineIOSocket
{
    private readonly EngineIOServer _server;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _closed = new();

    // The application's callbacks for one session run one at a time, in order (opened, messages, closed), even when
    // a close comes from the heartbeat timer while a message handler is still running.
    private readonly SemaphoreSlim _handlerLane = new(1, 1);
    private bool _closedDelivered;

    private List<EngineIOOutgoingPacket> _outbox = [];
    private long _outboxBytes;
    private List<EngineIOOutgoingPacket> _spareOutbox = [];
    private SessionState _state = SessionState.Open;
    private EngineIOTransport _transport;
    private Dictionary<object, object?>? _items;

    // One timer per session: the ping interval, then the pong deadline, then (when closing) the close deadline.
    private readonly Timer _heartbeat;
    private bool _awaitingPong;

    public EngineIOSession(EngineIOServer server, string id, EngineIOTransport transport, EngineIOHandshake handshake, bool binaryAsBase64)
    {
        _server = server;
        Id = id;
        _transport = transport;
        Handshake = handshake;
        BinaryAsBase64 = binaryAsBase64;
        _heartbeat = new Timer(static state => ((EngineIOSession)state!).OnHeartbeatTimer(), this, Timeout.Infinite, Timeout.Infinite);
    }

    private enum SessionState
    {
        Open,
        /// <summary>Closed by the server: the application has been told; the client is told by the last flush.</summary>
        Closing,
        Closed,
    }

    public override string Id { get; }

    public override EngineIOHandshake Handshake { get; }

    public override EngineIOTransport Transport
    {
        get
        {
            lock (_gate)
            {
                return _transport;
            }
        }
    }

    public override bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _state == SessionState.Open;
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

    internal EngineIOServer Server => _server;

    internal ILogger Logger => _server.Logger;

    internal EngineIOOptions Options => _server.Options;

    public override void Send(string text) => Enqueue(EngineIOOutgoingPacket.FromText(text));

    public override void Send(ReadOnlyMemory<byte> bytes) => Enqueue(EngineIOOutgoingPacket.FromBinary(bytes));

    public override void Close() => CloseCore(EngineIOCloseReason.ForcedClose);

    /// <summary>Starts the heartbeat: the first ping goes out one ping interval after the handshake.</summary>
    public void StartHeartbeat()
    {
        lock (_gate)
        {
            if (_state == SessionState.Open)
            {
                _heartbeat.Change(Options.PingInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Queues a packet for whichever transport carries the session. Returns false once the session has closed.</summary>
    public bool Enqueue(EngineIOOutgoingPacket packet) => EnqueueCore([packet], isVolatile: false);

    /// <summary>
    /// Queues packets that must stay together and in order (a binary Socket.IO packet and its attachments).
    /// A volatile write is dropped when the transport cannot take it now: polling with no GET waiting, or a
    /// WebSocket whose writer is still busy.
    /// </summary>
    public bool EnqueueRange(List<EngineIOOutgoingPacket> packets, bool isVolatile) =>
        EnqueueCore(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packets), isVolatile);

    private bool EnqueueCore(ReadOnlySpan<EngineIOOutgoingPacket> packets, bool isVolatile)
    {
        lock (_gate)
        {
            if (_state != SessionState.Open)
            {
                return false;
            }

            if (isVolatile && !(_transport == EngineIOTransport.Polling ? _pendingGet is not null : _writerWaiter is not null))
            {
                return false;
            }

            foreach (var packet in packets)
            {
                _outboxBytes += packet.Encoded.Length;
            }

            if (_outboxBytes <= Options.MaxBufferedBytes)
            {
                _outbox.AddRange(packets);
                SignalWriter_Locked();
                return true;
            }
        }

        // A peer that stopped reading while the server keeps sending would grow the queue until the ping timeout.
        EngineIOLog.ProtocolViolation(Logger, Id, $"more than {Options.MaxBufferedBytes} bytes waiting to be sent");
        CloseCore(EngineIOCloseReason.TransportError);
        return false;
    }

    /// <summary>Handles one decoded packet from the client, whichever transport carried it.</summary>
    /// <returns>False when the packet ended the session.</returns>
    public async ValueTask<bool> ProcessPacketAsync(EngineIOPacket packet)
    {
        switch (packet.Type)
        {
            case EngineIOPacketType.Message:
                await DeliverMessageAsync(new EngineIOMessage(packet.Data, packet.IsBinary));
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
    public async ValueTask DeliverOpenedAsync()
    {
        await _handlerLane.WaitAsync();
        try
        {
            await _server.Handler.OnOpenedAsync(this);
        }
        catch (Exception ex)
        {
            EngineIOLog.HandlerFailed(Logger, ex, nameof(EngineIOHandler.OnOpenedAsync), Id);
        }
        finally
        {
            _handlerLane.Release();
        }
    }

    private async ValueTask DeliverMessageAsync(EngineIOMessage message)
    {
        await _handlerLane.WaitAsync();
        try
        {
            if (_closedDelivered)
            {
                return;
            }

            await _server.Handler.OnMessageAsync(this, message);
        }
        catch (Exception ex)
        {
            // One faulty handler call must not take the session down with it.
            EngineIOLog.HandlerFailed(Logger, ex, nameof(EngineIOHandler.OnMessageAsync), Id);
        }
        finally
        {
            _handlerLane.Release();
        }
    }

    private async Task DeliverClosedAsync(EngineIOCloseReason reason)
    {
        await _handlerLane.WaitAsync();
        try
        {
            _closedDelivered = true;
            await _server.Handler.OnClosedAsync(this, reason);
        }
        catch (Exception ex)
        {
            EngineIOLog.HandlerFailed(Logger, ex, nameof(EngineIOHandler.OnClosedAsync), Id);
        }
        finally
        {
            _handlerLane.Release();
        }
    }

    private void OnPong()
    {
        lock (_gate)
        {
            if (_state != SessionState.Open)
            {
                return;
            }

            // An unsolicited pong only pushes the next ping back; no timer is created.
            _awaitingPong = false;
            _heartbeat.Change(Options.PingInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnHeartbeatTimer()
    {
        lock (_gate)
        {
            if (_state == SessionState.Closing)
            {
                // The client never came back for the close: give up on telling it.
                FinishClose_Locked();
                return;
            }

            if (_state != SessionState.Open)
            {
                return;
            }

            if (!_awaitingPong)
            {
                // The pong deadline starts when the ping is queued, not when a GET carries it.
                _awaitingPong = true;
                _outbox.Add(EngineIOOutgoingPacket.Ping);
                SignalWriter_Locked();
                _heartbeat.Change(Options.PingTimeout, Timeout.InfiniteTimeSpan);
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
    public bool CloseCore(EngineIOCloseReason reason, bool closeFrameSent = false)
    {
        lock (_gate)
        {
            if (_state != SessionState.Open)
            {
                return false;
            }

            _awaitingPong = false;
            if (reason == EngineIOCloseReason.ForcedClose)
            {
                _state = SessionState.Closing;
                _heartbeat.Change(Options.CloseTimeout, Timeout.InfiniteTimeSpan);
                SignalWriter_Locked();
            }
            else
            {
                _outbox.Clear();
                _outboxBytes = 0;

                // Tell the transport first: finishing the close would otherwise release a pending GET with a noop
                // (as plain "data") before it could be told to close.
                OnClosedByError_Locked(reason, closeFrameSent);
                FinishClose_Locked();
            }
        }

        EngineIOLog.SessionClosed(Logger, Id, reason.ToWireString());
        _ = DeliverClosedAsync(reason);
        return true;
    }

    /// <summary>Marks the session closed and forgets it: its sid is unknown from now on.</summary>
    private void FinishClose_Locked()
    {
        if (_state == SessionState.Closed)
        {
            return;
        }

        _state = SessionState.Closed;
        _heartbeat.Dispose();
        _server.Remove(this);
        AbandonUpgrade_Locked();
        SignalWriter_Locked();

        // Callbacks registered on Closed run on the thread pool, never inside this lock.
        _ = _closed.CancelAsync();
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

    private void SignalWriter_Locked()
    {
        if (_transport == EngineIOTransport.Polling)
        {
            SignalPendingGet_Locked(PollSignal.Data);
        }
        else
        {
            SignalWebSocketWriter_Locked();
        }
    }

    private void OnClosedByError_Locked(EngineIOCloseReason reason, bool closeFrameSent)
    {
        if (_transport == EngineIOTransport.Polling)
        {
            // A client close packet releases the pending GET with a noop; any other close tells the client to close.
            SignalPendingGet_Locked(reason == EngineIOCloseReason.TransportClose ? PollSignal.Noop : PollSignal.Close);
        }
        else if (!closeFrameSent)
        {
            AbortWebSocket_Locked(reason);
        }
    }
}
