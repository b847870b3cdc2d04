using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Typed.EngineIO.Internal;

/// <summary>The error codes of the Engine.IO server and the responses that carry them, as the reference writes them.</summary>
internal static class EngineIOErrors
{
    public const int UnknownTransport = 0;
    public const int UnknownSid = 1;
    public const int BadHandshakeMethod = 2;
    public const int BadRequest = 3;
    public const int Forbidden = 4;
    public const int UnsupportedProtocolVersion = 5;

    public static string DefaultMessage(int code) => code switch
    {
        UnknownTransport => "Transport unknown",
        UnknownSid => "Session ID unknown",
        BadHandshakeMethod => "Bad handshake method",
        BadRequest => "Bad request",
        Forbidden => "Forbidden",
        UnsupportedProtocolVersion => "Unsupported protocol version",
        _ => "Bad request",
    };

    /// <summary>
    /// Rejects a request: <c>{"code":N,"message":"…"}</c> as JSON with 400 (403 for code 4). A WebSocket upgrade
    /// request gets the message as text/html instead, as the reference's <c>abortUpgrade</c> does.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int code, string? message = null, int? statusCode = null)
    {
        message ??= DefaultMessage(code);
        var response = context.Response;
        response.StatusCode = statusCode ?? (code == Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest);
        response.Headers.CacheControl = "no-store";
        if (context.WebSockets.IsWebSocketRequest)
        {
            response.ContentType = "text/html";
            return response.WriteAsync(message);
        }

        response.ContentType = "application/json";
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>An error status with an empty body (overlapping requests, invalid content, oversized bodies).</summary>
    public static void WriteEmpty(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentLength = 0;
    }
}
