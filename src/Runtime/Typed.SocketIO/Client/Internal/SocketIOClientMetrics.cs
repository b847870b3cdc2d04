using System.Diagnostics.Metrics;

namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// The .NET client's instruments, on one static <see cref="Meter"/> named <c>Typed.SocketIO.Client</c> (the client
/// has no dependency injection to get an <c>IMeterFactory</c> from). Names, units and attributes are listed in
/// docs/telemetry.md. Attributes are the transport and the namespace, which the application chose: never anything the
/// server sends, so a server cannot grow the number of series.
/// </summary>
/// <remarks>
/// With no listener an instrument's <c>Add</c> returns at once; the <see cref="Instrument.Enabled"/> checks skip the
/// work before it (building tags, measuring a message) too.
/// </remarks>
internal static class SocketIOClientMetrics
{
    public const string MeterName = "Typed.SocketIO.Client";

    private static readonly Meter s_meter = new(MeterName, typeof(SocketIOClientMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> s_connects = s_meter.CreateCounter<long>(
        "socketio.client.connections.opened", "{connection}", "Engine.IO connections the client opened (first and reconnections).");

    private static readonly Counter<long> s_connectFailures = s_meter.CreateCounter<long>(
        "socketio.client.connections.failed", "{connection}", "Connection attempts that failed; refusals (HTTP 401/403) carry http.response.status_code.");

    private static readonly Counter<long> s_reconnectAttempts = s_meter.CreateCounter<long>(
        "socketio.client.reconnect.attempts", "{attempt}", "Reconnection attempts started.");

    private static readonly Counter<long> s_eventsSent = s_meter.CreateCounter<long>(
        "socketio.client.events.sent", "{event}", "Events the client sent.");

    private static readonly Counter<long> s_eventsReceived = s_meter.CreateCounter<long>(
        "socketio.client.events.received", "{event}", "Events the client received for one of its sockets.");

    private static readonly UpDownCounter<long> s_acksPending = s_meter.CreateUpDownCounter<long>(
        "socketio.client.acks.pending", "{ack}", "Acknowledgements the client is waiting for.");

    private static readonly Counter<long> s_ackTimeouts = s_meter.CreateCounter<long>(
        "socketio.client.acks.timeouts", "{ack}", "Acknowledgements that did not arrive in time.");

    private static readonly Counter<long> s_bytesSent = s_meter.CreateCounter<long>(
        "socketio.client.bytes.sent", "By", "Bytes of Engine.IO messages the client queued to send (text as UTF-8, binary as is).");

    private static readonly Counter<long> s_bytesReceived = s_meter.CreateCounter<long>(
        "socketio.client.bytes.received", "By", "Bytes of Engine.IO messages the client received.");

    // Cached tags: no allocation per measurement.
    private static readonly KeyValuePair<string, object?> s_polling = new("engineio.transport", "polling");
    private static readonly KeyValuePair<string, object?> s_webSocket = new("engineio.transport", "websocket");

    public static bool BytesEnabled => s_bytesSent.Enabled || s_bytesReceived.Enabled;

    public static void ConnectionOpened(EngineIOTransport transport)
    {
        if (s_connects.Enabled)
        {
            s_connects.Add(1, transport == EngineIOTransport.WebSocket ? s_webSocket : s_polling);
        }
    }

    public static void ConnectionFailed(int? refusedStatus)
    {
        if (!s_connectFailures.Enabled)
        {
            return;
        }

        if (refusedStatus is { } status)
        {
            s_connectFailures.Add(1, new KeyValuePair<string, object?>("http.response.status_code", status));
        }
        else
        {
            s_connectFailures.Add(1);
        }
    }

    public static void ReconnectAttempt() => s_reconnectAttempts.Add(1);

    public static void EventSent(string ns)
    {
        if (s_eventsSent.Enabled)
        {
            s_eventsSent.Add(1, new KeyValuePair<string, object?>("socketio.namespace", ns));
        }
    }

    public static void EventReceived(string ns)
    {
        if (s_eventsReceived.Enabled)
        {
            s_eventsReceived.Add(1, new KeyValuePair<string, object?>("socketio.namespace", ns));
        }
    }

    // Never skipped by an Enabled check: a listener starting between the +1 and the -1 would see only the -1.
    public static void AckStarted(string ns) => s_acksPending.Add(1, new KeyValuePair<string, object?>("socketio.namespace", ns));

    public static void AckEnded(string ns, bool timedOut)
    {
        s_acksPending.Add(-1, new KeyValuePair<string, object?>("socketio.namespace", ns));
        if (timedOut)
        {
            s_ackTimeouts.Add(1, new KeyValuePair<string, object?>("socketio.namespace", ns));
        }
    }

    public static void BytesSent(long bytes) => s_bytesSent.Add(bytes);

    public static void BytesReceived(long bytes) => s_bytesReceived.Add(bytes);
}
