using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Typed.EngineIO.Internal;

/// <summary>
/// Completes a WebSocket handshake over HTTP/1.1 on a <see cref="BatchingWriteStream"/>, so the session's writer
/// can send a burst of frames in one network write. Other requests (HTTP/2 extended CONNECT) go through ASP.NET
/// Core's own accept. No subprotocol is negotiated; permessage-deflate is, when <see cref="EngineIOOptions.PerMessageDeflate"/>
/// allows it and the client offers it.
/// </summary>
internal static class WebSocketAcceptor
{
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>Completes the handshake; null when the client went away during it.</summary>
    public static async Task<(WebSocket WebSocket, BatchingWriteStream? Batching)?> TryAcceptAsync(HttpContext context, EngineIOOptions options)
    {
        try
        {
            return await AcceptAsync(context, options).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or WebSocketException)
        {
            return null;
        }
    }

    private static async Task<(WebSocket WebSocket, BatchingWriteStream? Batching)> AcceptAsync(HttpContext context, EngineIOOptions options)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            var accept = new WebSocketAcceptContext { DangerousEnableCompression = options.PerMessageDeflate };
            return (await context.WebSockets.AcceptWebSocketAsync(accept).ConfigureAwait(false), null);
        }

        WebSocketDeflateOptions? deflate = null;
        if (options.PerMessageDeflate
            && PerMessageDeflateNegotiation.TryNegotiate(context.Request.Headers.SecWebSocketExtensions.ToString(), out var negotiated, out var extension))
        {
            deflate = negotiated;
            context.Response.Headers.SecWebSocketExtensions = extension;
        }

        // IsWebSocketRequest (checked by the caller) has already validated the method, headers, version and key.
        var headers = context.Response.Headers;
        headers.Connection = "Upgrade";
        headers.Upgrade = "websocket";
        headers.SecWebSocketAccept = ComputeAccept(context.Request.Headers.SecWebSocketKey.ToString());

        var stream = new BatchingWriteStream(await upgrade.UpgradeAsync().ConfigureAwait(false)) { AcceptsRawFrames = deflate is null };
        var webSocket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = TimeSpan.Zero, // Engine.IO has its own heartbeat
            DangerousDeflateOptions = deflate,
        });
        return (webSocket, stream);
    }

    private static string ComputeAccept(string key)
    {
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid), hash);
        return Convert.ToBase64String(hash);
    }
}
