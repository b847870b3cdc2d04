using System.Text.Json;

namespace Typed.SocketIO.Client;

/// <summary>
/// A socket could not connect to its namespace (socket.io-client's <c>connect_error</c>): the server refused it
/// (<see cref="IsRejectedByServer"/>, with the server's <see cref="ServerData"/>), or the connection itself failed.
/// </summary>
public sealed class SocketIOConnectException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketIOConnectException(string message, JsonElement? data = null, bool isRejectedByServer = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ServerData = data;
        IsRejectedByServer = isRejectedByServer;
    }

    /// <summary>
    /// The <c>data</c> the server attached to its refusal (a middleware's <c>err.data</c>), or null. A refused socket
    /// does not retry by itself.
    /// </summary>
    public JsonElement? ServerData { get; }

    /// <summary>
    /// True when the server refused: the namespace (a middleware, an unknown namespace), or the connection itself with
    /// HTTP 401 or 403 (<see cref="HttpStatusCode"/> is then set), neither of which is retried unchanged. False when
    /// the connection failed, in which case the client retries while reconnection is enabled, or when the namespace's
    /// CONNECT went unanswered past the connect timeout or was answered without a <c>sid</c>, which are final for the
    /// socket.
    /// </summary>
    public bool IsRejectedByServer { get; }

    /// <summary>
    /// The HTTP status with which the server refused the Engine.IO handshake (401, 403), or null when the refusal (or
    /// failure) did not come as an HTTP status. Such a refusal is retried only when
    /// <see cref="SocketIOClientOptions.ExtraHeadersProvider"/> gives new headers.
    /// </summary>
    public int? HttpStatusCode { get; init; }

    /// <summary>
    /// The start (up to 4 KiB) of the body of the refused handshake, or null. Only long-polling reads it: .NET's
    /// <see cref="System.Net.WebSockets.ClientWebSocket"/> does not expose a refused handshake's body.
    /// </summary>
    public string? HttpResponseBody { get; init; }
}
