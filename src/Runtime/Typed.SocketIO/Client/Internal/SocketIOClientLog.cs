using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// The .NET client's log events (category <c>Typed.SocketIO.Client.SocketIOClient</c>). Ids are stable: tests and
/// log queries rely on them. Nothing here logs payloads or credentials.
/// </summary>
internal static partial class SocketIOClientLog
{
    [LoggerMessage(1, LogLevel.Debug, "Opening a connection to {Server} ({Transport}).", EventName = "Connecting")]
    public static partial void Connecting(ILogger logger, Uri server, string transport);

    [LoggerMessage(2, LogLevel.Information, "Connected to {Server}: session {SessionId} on {Transport}.", EventName = "Connected")]
    public static partial void Connected(ILogger logger, Uri server, string? sessionId, string transport);

    [LoggerMessage(3, LogLevel.Debug, "The connection upgraded to WebSocket.", EventName = "Upgraded")]
    public static partial void Upgraded(ILogger logger);

    [LoggerMessage(4, LogLevel.Warning, "Connecting to {Server} failed: {Reason}", EventName = "ConnectFailed")]
    public static partial void ConnectFailed(ILogger logger, Uri server, string reason, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "The server {Server} refused the connection with HTTP {StatusCode}; no new credentials, so the client stops trying.", EventName = "Refused")]
    public static partial void Refused(ILogger logger, Uri server, int statusCode);

    [LoggerMessage(6, LogLevel.Information, "The server {Server} refused the connection with HTTP {StatusCode}; the headers provider gave new credentials, which the next attempt uses.", EventName = "RefusedRetryingWithNewCredentials")]
    public static partial void RefusedRetrying(ILogger logger, Uri server, int statusCode);

    [LoggerMessage(7, LogLevel.Information, "Reconnection attempt {Attempt} after {Delay}.", EventName = "ReconnectAttempt")]
    public static partial void ReconnectAttempt(ILogger logger, int attempt, TimeSpan delay);

    [LoggerMessage(8, LogLevel.Information, "Reconnected after {Attempts} attempt(s).", EventName = "Reconnected")]
    public static partial void Reconnected(ILogger logger, int attempts);

    [LoggerMessage(9, LogLevel.Warning, "Every reconnection attempt ({Attempts}) failed; the client stops trying.", EventName = "ReconnectFailed")]
    public static partial void ReconnectFailed(ILogger logger, int attempts);

    [LoggerMessage(10, LogLevel.Information, "The connection closed: {Reason}.", EventName = "Closed")]
    public static partial void Closed(ILogger logger, string reason);

    [LoggerMessage(11, LogLevel.Warning, "The server sent a packet that does not decode ({Error}); the connection closes with parse error.", EventName = "ProtocolError")]
    public static partial void ProtocolError(ILogger logger, string? error);

    [LoggerMessage(12, LogLevel.Warning, "The headers provider failed; the attempt counts as a failed connection.", EventName = "HeadersProviderFailed")]
    public static partial void HeadersProviderFailed(ILogger logger, Exception exception);
}
