using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Internal;

/// <summary>
/// Log messages of authorization (event ids 140+). At Debug, as everything a client can provoke (docs/operations.md):
/// a client sending refused events in a loop cannot flood the log.
/// </summary>
internal static partial class SocketIOAuthorizationLog
{
    [LoggerMessage(140, LogLevel.Debug, "Authorization refused socket {SocketId} (user '{User}') the connection to namespace {Namespace}.")]
    public static partial void ConnectForbidden(ILogger logger, string socketId, string? user, string @namespace);

    [LoggerMessage(141, LogLevel.Debug, "Authorization refused socket {SocketId} (user '{User}') the event {EventName} in namespace {Namespace}; it was not run.")]
    public static partial void EventForbidden(ILogger logger, string socketId, string? user, string eventName, string @namespace);
}
