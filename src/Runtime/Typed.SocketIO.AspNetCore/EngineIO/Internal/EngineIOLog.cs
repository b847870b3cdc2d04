using Microsoft.Extensions.Logging;

namespace Typed.EngineIO.Internal;

/// <summary>Log messages of the Engine.IO server, with stable event ids.</summary>
internal static partial class EngineIOLog
{
    [LoggerMessage(1, LogLevel.Debug, "Engine.IO session {SessionId} opened on {Transport}.")]
    public static partial void SessionOpened(ILogger logger, string sessionId, EngineIOTransport transport);

    [LoggerMessage(2, LogLevel.Debug, "Engine.IO session {SessionId} closed: {Reason}.")]
    public static partial void SessionClosed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Engine.IO session {SessionId} upgraded to WebSocket.")]
    public static partial void SessionUpgraded(ILogger logger, string sessionId);

    [LoggerMessage(4, LogLevel.Debug, "Engine.IO session {SessionId}: upgrade abandoned: {Why}.")]
    public static partial void UpgradeAbandoned(ILogger logger, string sessionId, string why);

    [LoggerMessage(5, LogLevel.Debug, "Engine.IO request rejected with code {Code} ({Message}): {Method} {Path}.")]
    public static partial void RequestRejected(ILogger logger, int code, string message, string method, string path);

    [LoggerMessage(6, LogLevel.Error, "Engine.IO handler failed in {Callback} for session {SessionId}.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string callback, string sessionId);

    [LoggerMessage(8, LogLevel.Error, "Engine.IO AllowRequest hook failed for {Path}; the request was refused.")]
    public static partial void AllowRequestFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(7, LogLevel.Debug, "Engine.IO session {SessionId}: protocol violation: {Detail}.")]
    public static partial void ProtocolViolation(ILogger logger, string sessionId, string detail);

    [LoggerMessage(9, LogLevel.Debug, "Engine.IO session {SessionId}: the {Transport} transport failed: {Detail}.")]
    public static partial void TransportFailed(ILogger logger, string sessionId, EngineIOTransport transport, string detail);

    [LoggerMessage(10, LogLevel.Debug, "Engine.IO session {SessionId}: {Reason} on the {Transport} transport it no longer uses, ignored.")]
    public static partial void DiscardedTransportClosed(ILogger logger, string sessionId, string reason, EngineIOTransport transport);
}
