using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>The Redis adapter's log messages.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connected to Redis ({Endpoints}) in {Mode} mode.")]
    public static partial void Connected(ILogger logger, string endpoints, string mode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Redis connection lost ({FailureType}): cluster messages are dropped until it is restored.")]
    public static partial void ConnectionFailed(ILogger logger, string failureType, Exception? exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Redis connection restored; subscriptions are re-established.")]
    public static partial void ConnectionRestored(ILogger logger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Dropped a message on Redis channel {Channel} of namespace {Namespace}: {Reason} ({Bytes} bytes, starting {Start}).")]
    public static partial void MessageDropped(ILogger logger, string channel, string @namespace, string reason, int bytes, string start);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Could not publish to Redis channel {Channel}: the message is dropped.")]
    public static partial void PublishFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "A server-side event handler for '{EventName}' in namespace {Namespace} failed.")]
    public static partial void ServerSideHandlerFailed(ILogger logger, string eventName, string @namespace, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Handling a cluster message on channel {Channel} failed.")]
    public static partial void HandlingFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not count the servers of namespace {Namespace}; acknowledgements from other servers are not awaited.")]
    public static partial void ServerCountFailed(ILogger logger, string @namespace, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Could not unsubscribe from Redis channel {Channel}.")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Reading Redis stream {Stream} failed; retrying.")]
    public static partial void StreamReadFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Dropped entry {EntryId} of Redis stream {Stream}: {Reason}.")]
    public static partial void StreamEntryDropped(ILogger logger, string entryId, string stream, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Could not add to Redis stream {Stream}: the message is delivered on this server only.")]
    public static partial void StreamAddFailed(ILogger logger, string stream, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Could not keep a recovery session of namespace {Namespace} in Redis: that socket cannot recover.")]
    public static partial void SessionPersistFailed(ILogger logger, string @namespace, Exception exception);

    // Debug: a client provokes it at will (any pid in a CONNECT), as the in-memory adapter's event 146.
    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "Session of namespace {Namespace} not recovered from Redis: {Reason}.")]
    public static partial void SessionNotRecovered(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Reading Redis stream {Stream} from entry {EntryId} on a dedicated connection.")]
    public static partial void StreamReading(ILogger logger, string stream, string entryId);
}
