using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// The client's hook points: each call logs (<see cref="SocketIOClientLog"/>) and measures
/// (<see cref="SocketIOClientMetrics"/>) one thing that happened, so <see cref="SocketIOClient"/> carries one line per
/// hook instead of both.
/// </summary>
internal static class SocketIOClientTelemetry
{
    public static void Connected(ILogger logger, Uri server, EngineIOClient engine)
    {
        SocketIOClientMetrics.ConnectionOpened(engine.Transport);
        SocketIOClientLog.Connected(logger, server, engine.Id, engine.Transport == EngineIOTransport.WebSocket ? "websocket" : "polling");
    }

    public static void ConnectFailed(ILogger logger, Uri server, Exception exception, int? refusedStatus, bool retrying)
    {
        SocketIOClientMetrics.ConnectionFailed(refusedStatus);
        if (refusedStatus is not { } status)
        {
            SocketIOClientLog.ConnectFailed(logger, server, exception.Message, exception);
        }
        else if (retrying)
        {
            SocketIOClientLog.RefusedRetrying(logger, server, status);
        }
        else
        {
            SocketIOClientLog.Refused(logger, server, status);
        }
    }

    public static void ReconnectAttempt(ILogger logger, int attempt, TimeSpan delay)
    {
        SocketIOClientMetrics.ReconnectAttempt();
        SocketIOClientLog.ReconnectAttempt(logger, attempt, delay);
    }

    /// <summary>An encoded packet was queued: its messages' bytes, and an event if it is one.</summary>
    public static void PacketSent(SocketIOPacket packet, List<EngineIOOutgoingPacket> encoded)
    {
        if (packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent)
        {
            SocketIOClientMetrics.EventSent(packet.Namespace);
        }

        if (SocketIOClientMetrics.BytesEnabled)
        {
            long bytes = 0;
            foreach (var message in encoded)
            {
                bytes += message.Encoded.Length;
            }

            SocketIOClientMetrics.BytesSent(bytes);
        }
    }

    public static void MessageReceived(int bytes) => SocketIOClientMetrics.BytesReceived(bytes);

    /// <summary>A decoded packet reached one of the client's sockets (so its namespace is one the application opened).</summary>
    public static void PacketReceived(SocketIOPacket packet)
    {
        if (packet.Type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent)
        {
            SocketIOClientMetrics.EventReceived(packet.Namespace);
        }
    }
}
