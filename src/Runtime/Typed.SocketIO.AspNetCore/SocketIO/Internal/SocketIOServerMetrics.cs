using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Typed.SocketIO.Internal;

/// <summary>
/// The server's instruments, on the <see cref="Meter"/> <c>Typed.SocketIO.Server</c> created through the
/// application's <see cref="IMeterFactory"/> (the ASP.NET Core way: scoped to its service provider, so two hosts in
/// one process do not mix their figures). Names, units and attributes: docs/telemetry.md.
/// </summary>
/// <remarks>
/// Attributes take only values the application chose or a fixed set: the namespace (children of a dynamic namespace,
/// whose names clients choose, all report <c>(dynamic)</c>), the transport, the disconnect reason, the limit. Never
/// a socket id or an event name. Tags are structs built on the stack; <see cref="Instrument.Enabled"/> checks skip
/// the work before a measurement when nothing listens.
/// </remarks>
internal sealed class SocketIOServerMetrics
{
    public const string MeterName = "Typed.SocketIO.Server";

    /// <summary>The <c>socketio.namespace</c> value of every child of a dynamic namespace.</summary>
    public const string DynamicNamespace = "(dynamic)";

    private static readonly KeyValuePair<string, object?> s_polling = new("engineio.transport", "polling");
    private static readonly KeyValuePair<string, object?> s_webSocket = new("engineio.transport", "websocket");

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connectionsActive;
    private readonly Counter<long> _connectionsOpened;
    private readonly Counter<long> _upgrades;
    private readonly UpDownCounter<long> _socketsActive;
    private readonly Counter<long> _eventsReceived;
    private readonly Counter<long> _eventsSent;
    private readonly UpDownCounter<long> _acksPending;
    private readonly Counter<long> _ackTimeouts;
    private readonly Counter<long> _broadcastDeliveries;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _disconnects;
    private readonly Counter<long> _parseErrors;
    private readonly Counter<long> _limitsHit;

    /// <param name="meterFactory">The application's factory; null (a server created without one) gives a Meter of its own.</param>
    public SocketIOServerMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _connectionsActive = _meter.CreateUpDownCounter<long>("socketio.server.connections.active", "{connection}", "Engine.IO connections open now.");
        _connectionsOpened = _meter.CreateCounter<long>("socketio.server.connections.opened", "{connection}", "Engine.IO connections opened, by the transport they opened on.");
        _upgrades = _meter.CreateCounter<long>("socketio.server.upgrades", "{upgrade}", "Connections upgraded from polling to WebSocket.");
        _socketsActive = _meter.CreateUpDownCounter<long>("socketio.server.sockets.active", "{socket}", "Sockets connected now, by namespace.");
        _eventsReceived = _meter.CreateCounter<long>("socketio.server.events.received", "{event}", "Events received from clients, by namespace (refused ones included).");
        _eventsSent = _meter.CreateCounter<long>("socketio.server.events.sent", "{event}", "Events emitted to one socket, by namespace (broadcasts: socketio.server.broadcast.deliveries).");
        _acksPending = _meter.CreateUpDownCounter<long>("socketio.server.acks.pending", "{ack}", "Acknowledgements the server awaits from clients.");
        _ackTimeouts = _meter.CreateCounter<long>("socketio.server.acks.timeouts", "{ack}", "Acknowledgements that did not arrive in time.");
        _broadcastDeliveries = _meter.CreateCounter<long>("socketio.server.broadcast.deliveries", "{delivery}", "Sockets a broadcast was written to, by namespace.");
        _bytesReceived = _meter.CreateCounter<long>("socketio.server.bytes.received", "By", "Bytes of Engine.IO messages received (text as UTF-8, binary as is).");
        _bytesSent = _meter.CreateCounter<long>("socketio.server.bytes.sent", "By", "Bytes of Engine.IO messages queued to send.");
        _disconnects = _meter.CreateCounter<long>("socketio.server.disconnects", "{socket}", "Sockets that left, by namespace and reason.");
        _parseErrors = _meter.CreateCounter<long>("socketio.server.parse_errors", "{error}", "Client messages that did not decode (the connection closes).");
        _limitsHit = _meter.CreateCounter<long>("socketio.server.limits.hit", "{event}", "Times a per-socket or per-connection bound was reached, by limit.");
    }

    public static KeyValuePair<string, object?> NamespaceTag(SocketIONamespace ns) =>
        new("socketio.namespace", ns.Parent is null ? ns.Name : DynamicNamespace);

    private static KeyValuePair<string, object?> TransportTag(EngineIOTransport transport) =>
        transport == EngineIOTransport.WebSocket ? s_webSocket : s_polling;

    public void ConnectionOpened(EngineIOTransport transport)
    {
        _connectionsActive.Add(1);
        if (_connectionsOpened.Enabled)
        {
            _connectionsOpened.Add(1, TransportTag(transport));
        }
    }

    public void ConnectionClosed() => _connectionsActive.Add(-1);

    public void Upgraded() => _upgrades.Add(1);

    // The up-down counters are never skipped by an Enabled check: a listener that starts between a +1 and its -1
    // would otherwise see only the -1.
    public void SocketAdded(SocketIONamespace ns) => _socketsActive.Add(1, NamespaceTag(ns));

    public void SocketRemoved(SocketIONamespace ns) => _socketsActive.Add(-1, NamespaceTag(ns));

    /// <summary>A connected socket left, for <paramref name="reason"/>.</summary>
    public void SocketDisconnected(SocketIONamespace ns, SocketIODisconnectReason reason)
    {
        if (_disconnects.Enabled)
        {
            var tags = new TagList { NamespaceTag(ns), new("socketio.disconnect.reason", reason.ToWireString()) };
            _disconnects.Add(1, in tags);
        }
    }

    /// <summary>An event from a client reached its socket's queue: counted, and if a bound refused it, which one.</summary>
    public void EventReceived(SocketIONamespace ns, EventEnqueueResult result)
    {
        if (_eventsReceived.Enabled)
        {
            _eventsReceived.Add(1, NamespaceTag(ns));
        }

        switch (result)
        {
            case EventEnqueueResult.TooManyQueued:
                LimitHit("MaxQueuedEventsPerSocket");
                break;
            case EventEnqueueResult.TooManyBytes:
                LimitHit("MaxQueuedBytesPerSocket");
                break;
            case EventEnqueueResult.TooManyConnectionBytes:
                LimitHit("MaxQueuedBytesPerConnection");
                break;
        }
    }

    /// <summary>A packet was written to one socket: counted if it is an event.</summary>
    public void PacketSent(SocketIONamespace ns, SocketIOPacket packet)
    {
        if (_eventsSent.Enabled && packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent)
        {
            _eventsSent.Add(1, NamespaceTag(ns));
        }
    }

    /// <summary>
    /// <paramref name="count"/> events written to one socket already encoded: the packets replayed to a recovered
    /// socket (replayable packets are events only).
    /// </summary>
    public void EventsSent(SocketIONamespace ns, int count)
    {
        if (count > 0 && _eventsSent.Enabled)
        {
            _eventsSent.Add(count, NamespaceTag(ns));
        }
    }

    public void BroadcastDelivered(SocketIONamespace ns, int recipients)
    {
        if (recipients > 0 && _broadcastDeliveries.Enabled)
        {
            _broadcastDeliveries.Add(recipients, NamespaceTag(ns));
        }
    }

    public void AckStarted(SocketIONamespace ns) => _acksPending.Add(1, NamespaceTag(ns));

    public void AckEnded(SocketIONamespace ns, bool timedOut)
    {
        _acksPending.Add(-1, NamespaceTag(ns));

        if (timedOut && _ackTimeouts.Enabled)
        {
            _ackTimeouts.Add(1, NamespaceTag(ns));
        }
    }

    public void BytesReceived(int bytes) => _bytesReceived.Add(bytes);

    public void BytesSent(ReadOnlySpan<EngineIOOutgoingPacket> packets)
    {
        if (!_bytesSent.Enabled)
        {
            return;
        }

        long bytes = 0;
        foreach (var packet in packets)
        {
            bytes += packet.Encoded.Length;
        }

        _bytesSent.Add(bytes);
    }

    public void ParseError() => _parseErrors.Add(1);

    /// <summary><paramref name="limit"/> is the name of the option (a fixed set), never client data.</summary>
    public void LimitHit(string limit)
    {
        if (_limitsHit.Enabled)
        {
            _limitsHit.Add(1, new KeyValuePair<string, object?>("socketio.limit", limit));
        }
    }
}
