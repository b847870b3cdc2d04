using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Internal;

/// <summary>Log messages of the Socket.IO server, with stable event ids (100+; Engine.IO uses 1–99).</summary>
internal static partial class SocketIOLog
{
    [LoggerMessage(101, LogLevel.Debug, "Socket {SocketId} connected to namespace {Namespace}.")]
    public static partial void SocketConnected(ILogger logger, string socketId, string @namespace);

    [LoggerMessage(102, LogLevel.Debug, "Socket {SocketId} left namespace {Namespace}: {Reason}.")]
    public static partial void SocketDisconnected(ILogger logger, string socketId, string @namespace, string reason);

    [LoggerMessage(103, LogLevel.Debug, "Connection to namespace {Namespace} refused: {Message}.")]
    public static partial void ConnectRefused(ILogger logger, string @namespace, string message);

    [LoggerMessage(104, LogLevel.Debug, "Engine.IO session {SessionId}: undecodable Socket.IO packet ({Error}); closing the connection.")]
    public static partial void DecodeFailed(ILogger logger, string sessionId, string error);

    [LoggerMessage(105, LogLevel.Debug, "Engine.IO session {SessionId}: invalid state ({Detail}); closing the connection.")]
    public static partial void InvalidState(ILogger logger, string sessionId, string detail);

    [LoggerMessage(106, LogLevel.Error, "Socket.IO handler failed in {Callback} for socket {SocketId}.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string callback, string socketId);

    [LoggerMessage(117, LogLevel.Error, "Socket.IO stream {EventName} failed in its producer for socket {SocketId}; the consumer got handler_error.")]
    public static partial void StreamProducerFailed(ILogger logger, Exception exception, string eventName, string socketId);

    [LoggerMessage(107, LogLevel.Error, "Namespace middleware failed for {Namespace}; the client was refused with a generic error.")]
    public static partial void MiddlewareFailed(ILogger logger, Exception exception, string @namespace);

    [LoggerMessage(108, LogLevel.Debug, "Engine.IO session {SessionId} joined no namespace within the connect timeout; closing.")]
    public static partial void ConnectTimeout(ILogger logger, string sessionId);

    // Client-caused failures: one line, no stack trace, at the level the operator chose (SocketIOOptions), and at
    // most one per socket per SocketIOOptions.ClientErrorLogInterval, so a flooding client cannot flood the log.
    [LoggerMessage(EventId = 109, Message = "Socket {SocketId} sent {EventName} with argument {Position} ('{Parameter}') that does not bind: {Reason} ({Suppressed} more client errors on this socket were not logged since the previous one).")]
    public static partial void BindingFailed(ILogger logger, LogLevel level, string socketId, string eventName, int position, string parameter, string reason, int suppressed);

    [LoggerMessage(110, LogLevel.Debug, "Socket {SocketId} sent {EventName}, which has no handler ({Suppressed} more unknown events on this socket were not logged since the previous one).")]
    public static partial void UnknownEvent(ILogger logger, string socketId, string eventName, int suppressed);

    [LoggerMessage(111, LogLevel.Error, "A connection handler (OnConnection, a hub's constructor or OnConnectedAsync) failed for socket {SocketId} in namespace {Namespace}; the connection was refused.")]
    public static partial void ConnectionHandlerFailed(ILogger logger, Exception exception, string socketId, string @namespace);

    [LoggerMessage(115, LogLevel.Debug, "Socket {SocketId} of namespace {Namespace} received events faster than its handlers finish them ({Limit}); disconnecting it.")]
    public static partial void EventQueueFull(ILogger logger, string socketId, string @namespace, string limit);

    [LoggerMessage(116, LogLevel.Debug, "Engine.IO session {SessionId}: its sockets' unfinished events passed {Limit} bytes (MaxQueuedBytesPerConnection); closing the connection.")]
    public static partial void ConnectionEventBytesExceeded(ILogger logger, string sessionId, long limit);
}
