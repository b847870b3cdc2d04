using System.Net.WebSockets;

namespace Typed.SocketIO.Client.Internal;

/// <summary>The WebSocket transport of the client, opened directly or by upgrading a polling session.</summary>
internal sealed partial class EngineIOClient
{
    /// <summary>As the server's default: more empty fragments in one message than this is a flood, not a message.</summary>
    private const int MaxEmptyFragmentsPerMessage = 1_024;

    private ClientWebSocket? _webSocket;

    private ClientWebSocket NewWebSocket()
    {
        // Keeps the status of a refused handshake (a 401 from an authentication middleware), read on failure.
        var socket = new ClientWebSocket { Options = { CollectHttpResponseDetails = true } };
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

    /// <summary>
    /// Incoming messages are assembled by the same reader as the server's, into a pooled buffer and never beyond
    /// <see cref="EngineIOClientOptions.MaxIncomingMessageBytes"/>: a larger message closes the socket with 1009
    /// before it is buffered.
    /// </summary>
    private WebSocketMessageReader NewReader(WebSocket socket) =>
        new(socket, _options.MaxIncomingMessageBytes, MaxEmptyFragmentsPerMessage);

    private async Task OpenWebSocketAsync(CancellationToken cancellationToken)
    {
        var socket = NewWebSocket();
        var reader = NewReader(socket);
        try
        {
            try
            {
                await ConnectWebSocketAsync(socket, RequestUri("websocket", withSid: false), cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException ex) when (socket.HttpStatusCode is var code && (int)code >= 400)
            {
                throw new EngineIOConnectException($"the server refused the handshake: {(int)code}", ex, statusCode: (int)code);
            }

            var status = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested(); // the connect timeout, reported as such
            if (status != WebSocketReadStatus.Message || reader.MessageType != WebSocketMessageType.Text
                || !EngineIOCodec.TryDecodeText(reader.Message, out var open, out _)
                || open.Type != EngineIOPacketType.Open || !ApplyHandshake(open.Data.Span, out _))
            {
                throw new EngineIOConnectException("invalid handshake on the WebSocket" + (reader.Error is { } error ? ": " + error : ""));
            }
        }
        catch
        {
            socket.Abort();
            reader.Dispose();
            throw;
        }

        _webSocket = socket;
        Transport = EngineIOTransport.WebSocket;
        StartWebSocketLoops(socket, reader);
    }

    /// <summary>
    /// Polling to WebSocket: probe the new socket (<c>2probe</c> / <c>3probe</c>), pause polling, send <c>5</c>, and
    /// carry on with what was queued. A failed probe leaves the session on polling, as engine.io-client does.
    /// </summary>
    private async Task UpgradeAsync()
    {
        var socket = NewWebSocket();
        var reader = NewReader(socket);
        try
        {
            using var probeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            probeTimeout.CancelAfter(_options.ProbeTimeout);
            await ConnectWebSocketAsync(socket, RequestUri("websocket", withSid: true), probeTimeout.Token).ConfigureAwait(false);
            await socket.SendAsync(EngineIOOutgoingPacket.PingProbe.Encoded, WebSocketMessageType.Text, true, probeTimeout.Token).ConfigureAwait(false);
            if (await reader.ReadAsync(probeTimeout.Token).ConfigureAwait(false) != WebSocketReadStatus.Message)
            {
                socket.Abort();
                reader.Dispose();
                ResumePollingAfterFailedUpgrade();
                return;
            }

            if (reader.MessageType != WebSocketMessageType.Text || !reader.Message.Span.SequenceEqual("3probe"u8))
            {
                socket.Abort();
                reader.Dispose();
                return;
            }

            await PausePollingAsync().ConfigureAwait(false);
            if (!IsOpen)
            {
                socket.Abort();
                reader.Dispose();
                return;
            }

            await socket.SendAsync(EngineIOOutgoingPacket.Upgrade.Encoded, WebSocketMessageType.Text, true, _closed.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            socket.Abort();
            reader.Dispose();
            ResumePollingAfterFailedUpgrade();
            return;
        }

        lock (_gate)
        {
            _webSocket = socket;
            Transport = EngineIOTransport.WebSocket;
            _writerPaused = false;
        }

        StartWebSocketLoops(socket, reader);
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
    private void StartWebSocketLoops(ClientWebSocket socket, WebSocketMessageReader reader)
    {
        _ = Task.Run(() => WebSocketReceiveLoopAsync(reader));
        _ = Task.Run(() => WebSocketWriteLoopAsync(socket));
    }

    private async Task WebSocketReceiveLoopAsync(WebSocketMessageReader reader)
    {
        // The loop owns the reader: its pooled buffer goes back when the loop ends, however it ends.
        using var owned = reader;
        while (true)
        {
            switch (await reader.ReadAsync(_closed.Token).ConfigureAwait(false))
            {
                case WebSocketReadStatus.PeerClosed:
                    OnClose("transport close");
                    return;
                case WebSocketReadStatus.ConnectionLost:
                    OnClose("transport error");
                    return;
                case WebSocketReadStatus.ProtocolError:
                    // Over the size limit the server's data is unusable, as an undecodable packet is; a malformed
                    // frame is a broken transport. Either way the reader has already sent the close frame.
                    OnClose(reader.LimitExceeded ? "parse error" : "transport error");
                    return;
            }

            EngineIOPacket packet;
            if (reader.MessageType == WebSocketMessageType.Binary)
            {
                packet = new EngineIOPacket(EngineIOPacketType.Message, reader.Message, isBinary: true);
            }
            else if (!EngineIOCodec.TryDecodeText(reader.Message, out packet, out _))
            {
                OnClose("parse error");
                return;
            }

            // The packet's bytes live in the reader's buffer until the next read: handlers copy what they keep.
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
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                OnClose("transport error");
                return;
            }
        }
    }

    private async Task CloseTransportGracefullyAsync()
    {
        // Still opening: no session id, no loops, nothing the server would read. Closing aborts the handshake.
        if (!Volatile.Read(ref _transportStarted))
        {
            return;
        }

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
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
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
