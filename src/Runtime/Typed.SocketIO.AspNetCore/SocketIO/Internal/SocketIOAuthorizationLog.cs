using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Internal;

/// <summary>Log messages of authorization and hub filters (event ids 140+).</summary>
internal static partial class SocketIOAuthorizationLog
{
    [LoggerMessage(140, LogLevel.Information, "Authorization refused socket {SocketId} (user '{User}') the connection to namespace {Namespace}.")]
    public static partial void ConnectForbidden(ILogger logger, string socketId, string? user, string @namespace);

    [LoggerMessage(141, LogLevel.Information, "Authorization refused socket {SocketId} (user '{User}') the event {EventName} in namespace {Namespace}; it was not run.")]
    public static partial void EventForbidden(ILogger logger, string socketId, string? user, string eventName, string @namespace);

    [LoggerMessage(142, LogLevel.Error, "A hub filter failed in {Callback} for socket {SocketId}.")]
    public static partial void FilterFailed(ILogger logger, Exception exception, string callback, string socketId);
}
