using System.Buffers;
using System.Net.WebSockets;

namespace Typed.SocketIO.Client.Internal;

/// <summary>The WebSocket transport of the client, opened directly or by upgrading a polling session.</summary>
internal sealed partial class EngineIOClient
{
    private ClientWebSocket? _webSocket;

    private ClientWebSocket NewWebSocket()
    {
        var socket = new ClientWebSocket();
        foreach (var (name, value) in _options.ExtraHeaders)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        if (_options.Proxy is { } proxy)
        {
            socket.Options.Proxy = proxy;
        }

        return socket;
    }

    /// <summary>The WebSocket handshake goes through the application's handler too, when it gave one.</summary>
    private Task ConnectWebSocketAsync(ClientWebSocket socket, Uri uri, CancellationToken cancellationToken) =>
        _options.HttpMessageHandler is { } handler
            ? socket.ConnectAsync(uri, new HttpMessageInvoker(handler, disposeHandler: false), cancellationToken)
            : socket.ConnectAsync(uri, cancellationToken);

    private async Task OpenWebSocketAsync(CancellationToken cancellationToken)
    {
        var socket = NewWebSocket();
        await ConnectWebSocketAsync(socket, RequestUri("websocket", withSid: false), cancellationToken).ConfigureAwait(false);
        var (type, data) = await ReceiveMessageAsync(socket, cancellationToken).ConfigureAwait(false);
        if (type != WebSocketMessageType.Text || !EngineIOCodec.TryDecodeText(data, out var open, out _)
            || open.Type != EngineIOPacketType.Open || !ApplyHandshake(open.Data.Span, out _))
        {
            socket.Abort();
            throw new EngineIOConnectException("invalid handshake on the WebSocket");
        }

        _webSocket = socket;
        Transport = EngineIOTransport.WebSocket;
        StartWebSocketLoops(socket);
    }

    /// <summary>
    /// Polling to WebSocket: probe the new socket (<c>2probe</c> / <c>3probe</c>), pause polling, send <c>5</c>, and
    /// carry on with what was queued. A failed probe leaves the session on polling, as engine.io-client does.
    /// </summary>
    private async Task UpgradeAsync()
    {
        var socket = NewWebSocket();
        try
        {
            using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            probeTimeout.CancelAfter(_options.ProbeTimeout);
            await ConnectWebSocketAsync(socket, RequestUri("websocket", withSid: true), probeTimeout.Token).ConfigureAwait(false);
            await socket.SendAsync(EngineIOOutgoingPacket.PingProbe.Encoded, WebSocketMessageType.Text, true, probeTimeout.Token).ConfigureAwait(false);
            var (type, data) = await ReceiveMessageAsync(socket, probeTimeout.Token).ConfigureAwait(false);
            if (type != WebSocketMessageType.Text || !data.Span.SequenceEqual("3probe"u8))
            {
                socket.Abort();
                return;
            }

            await PausePollingAsync().ConfigureAwait(false);
            if (!IsOpen)
            {
                socket.Abort();
                return;
            }

            await socket.SendAsync(EngineIOOutgoingPacket.Upgrade.Encoded, WebSocketMessageType.Text, true, _closed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            socket.Abort();
            ResumePollingAfterFailedUpgrade();
            return;
        }

        lock (_gate)
        {
            _webSocket = socket;
            Transport = EngineIOTransport.WebSocket;
            _writerPaused = false;
        }

        StartWebSocketLoops(socket);
        Upgraded?.Invoke();
    }

    private void ResumePollingAfterFailedUpgrade()
    {
        lock (_gate)
        {
            if (_state != 1 || !_pollPaused)
            {
                return;
            }

            _pollPaused = false;
            _writerPaused = false;
        }

        StartPollingLoops();
    }

    /// <summary>On the thread pool, as the polling loops: never on the caller's SynchronizationContext.</summary>
    private void StartWebSocketLoops(ClientWebSocket socket)
    {
        _ = Task.Run(() => WebSocketReceiveLoopAsync(socket));
        _ = Task.Run(() => WebSocketWriteLoopAsync(socket));
    }

    private async Task WebSocketReceiveLoopAsync(ClientWebSocket socket)
    {
        while (true)
        {
            WebSocketMessageType type;
            Memory<byte> data;
            try
            {
                (type, data) = await ReceiveMessageAsync(socket, _closed.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                OnClose("transport error");
                return;
            }

            if (type == WebSocketMessageType.Close)
            {
                OnClose("transport close");
                return;
            }

            EngineIOPacket packet;
            if (type == WebSocketMessageType.Binary)
            {
                packet = new EngineIOPacket(EngineIOPacketType.Message, data, isBinary: true);
            }
            else if (!EngineIOCodec.TryDecodeText(data, out packet, out _))
            {
                OnClose("parse error");
                return;
            }

            if (!HandlePacket(packet))
            {
                return;
            }
        }
    }

    private async Task WebSocketWriteLoopAsync(ClientWebSocket socket)
    {
        while (await TakeOutboxAsync().ConfigureAwait(false) is { } packets)
        {
            try
            {
                foreach (var packet in packets)
                {
                    var type = packet.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
                    await socket.SendAsync(packet.Encoded, type, endOfMessage: true, _closed.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                OnClose("transport error");
                return;
            }
        }
    }

    /// <summary>Reads one whole message (a close frame returns <see cref="WebSocketMessageType.Close"/>).</summary>
    private static async Task<(WebSocketMessageType Type, Memory<byte> Data)> ReceiveMessageAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (WebSocketMessageType.Close, Memory<byte>.Empty);
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                return (result.MessageType, buffer.WrittenMemory.ToArray());
            }
        }
    }

    private async Task CloseTransportGracefullyAsync()
    {
        if (Transport == EngineIOTransport.Polling)
        {
            await ClosePollingAsync().ConfigureAwait(false);
            return;
        }

        // The JavaScript client closes the WebSocket without a close packet.
        if (_webSocket is { } socket)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
            {
                // Already gone.
            }
        }
    }

    private void AbortTransports()
    {
        _webSocket?.Abort();
        _polling?.CancelPendingRequests();
    }
}
