using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Internal;

/// <summary>Connection state recovery's log messages. Never the pid: it is the client's secret.</summary>
internal static partial class ConnectionStateRecoveryLog
{
    [LoggerMessage(145, LogLevel.Debug, "Socket {SocketId} of namespace {Namespace} recovered its session ({Missed} missed packets replayed).")]
    public static partial void Recovered(ILogger logger, string socketId, string @namespace, int missed);

    [LoggerMessage(146, LogLevel.Debug, "A recovery in namespace {Namespace} failed ({Reason}); the client connects as a new socket.")]
    public static partial void NotRecovered(ILogger logger, string @namespace, string reason);

    [LoggerMessage(147, LogLevel.Warning, "A recovery in namespace {Namespace} presented the session of another user; refused, the client connects as a new socket.")]
    public static partial void OtherUser(ILogger logger, string @namespace);

    [LoggerMessage(148, LogLevel.Debug, "Socket {SocketId} of namespace {Namespace} could not be restored: its missed packets left the buffer while its middleware ran; the CONNECT is refused.")]
    public static partial void RestoreFailed(ILogger logger, string socketId, string @namespace);
}
