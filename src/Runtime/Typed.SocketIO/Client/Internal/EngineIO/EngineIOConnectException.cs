namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// An Engine.IO session could not be opened. When the server answered the handshake with an HTTP error, its status
/// (and, on polling, the start of its body) is kept, so the client can tell a refusal (401, 403) from a failure.
/// </summary>
internal sealed class EngineIOConnectException(string message, Exception? inner = null, int? statusCode = null, string? responseBody = null)
    : Exception(message, inner)
{
    /// <summary>The HTTP status of the refused handshake, or null when no HTTP answer came.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>The start of the refused handshake's body (polling only: a WebSocket handshake's body is not readable).</summary>
    public string? ResponseBody { get; } = responseBody;

    /// <summary>401 or 403: the server refused these credentials, which retrying unchanged will not fix.</summary>
    public bool IsRefusal => StatusCode is 401 or 403;
}
