using System.Buffers;
using System.Net.Http.Headers;

namespace Typed.SocketIO.Client.Internal;

/// <summary>The long-polling transport of the client: one GET loop receiving, one POST loop sending.</summary>
internal sealed partial class EngineIOClient
{
    /// <summary>How much of a refused handshake's body is kept in the exception.</summary>
    private const int MaxRefusalBodyBytes = 4096;

    private static readonly MediaTypeHeaderValue s_textPlain = MediaTypeHeaderValue.Parse("text/plain; charset=UTF-8");

    private HttpClient? _polling;
    private Task _pollLoop = Task.CompletedTask;
    private Task _postLoop = Task.CompletedTask;
    private bool _pollPaused;
    private bool _writerPaused;

    private async Task OpenPollingAsync(CancellationToken cancellationToken)
    {
        _polling = _options.HttpMessageHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : _options.Proxy is { } proxy
                ? new HttpClient(new SocketsHttpHandler { Proxy = proxy, UseProxy = true }) { Timeout = Timeout.InfiniteTimeSpan }
                : new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var body = new PooledByteBufferWriter();
        using var response = await _polling.SendAsync(Request(HttpMethod.Get, RequestUri("polling", withSid: false)), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!await ReadBodyAsync(response.Content, body, cancellationToken).ConfigureAwait(false))
        {
            throw new EngineIOConnectException($"the handshake response is larger than {_options.MaxIncomingMessageBytes} bytes");
        }

        if (!response.IsSuccessStatusCode)
        {
            // The body is kept for the application (a reason, a challenge), capped: it is the server's text, not ours.
            var text = System.Text.Encoding.UTF8.GetString(body.WrittenSpan[..Math.Min(body.WrittenCount, MaxRefusalBodyBytes)]);
            throw new EngineIOConnectException($"the server refused the handshake: {(int)response.StatusCode} {text}", statusCode: (int)response.StatusCode, responseBody: text);
        }

        var packets = new List<EngineIOPacket>();
        if (!EngineIOCodec.TryDecodePayload(body.WrittenMemory, packets, int.MaxValue, out var error)
            || packets[0].Type != EngineIOPacketType.Open
            || !ApplyHandshake(packets[0].Data.Span, out var canUpgrade))
        {
            throw new EngineIOConnectException("invalid handshake: " + (error ?? "no open packet"));
        }

        Transport = EngineIOTransport.Polling;
        StartPollingLoops();
        if (canUpgrade && _options.UseWebSocket && _options.Upgrade)
        {
            _ = Task.Run(UpgradeAsync);
        }
    }

    /// <summary>
    /// The loops run on the thread pool, never on the thread that opened the session: if the first awaits completed
    /// synchronously, ConfigureAwait(false) alone would leave them on a caller's SynchronizationContext.
    /// </summary>
    private void StartPollingLoops()
    {
        _pollLoop = Task.Run(PollLoopAsync);
        _postLoop = Task.Run(PostLoopAsync);
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var request = new HttpRequestMessage(method, uri);
        foreach (var (name, value) in _options.ExtraHeaders)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }

    private async Task PollLoopAsync()
    {
        var packets = new List<EngineIOPacket>();

        // One pooled buffer per response, returned once its packets are handled: a GET waiting on the server holds none.
        using var body = new PooledByteBufferWriter();
        while (true)
        {
            lock (_gate)
            {
                if (_state != 1 || _pollPaused)
                {
                    return;
                }
            }

            body.Clear();
            try
            {
                // Headers only: the body is read by ReadBodyAsync, which stops at the limit (the default would buffer all of it).
                using var response = await _polling!.SendAsync(Request(HttpMethod.Get, RequestUri("polling", withSid: true)), HttpCompletionOption.ResponseHeadersRead, _closed.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    OnClose("transport error");
                    return;
                }

                if (!await ReadBodyAsync(response.Content, body, _closed.Token).ConfigureAwait(false))
                {
                    OnClose("parse error");
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                OnClose("transport error");
                return;
            }

            packets.Clear();
            if (!EngineIOCodec.TryDecodePayload(body.WrittenMemory, packets, int.MaxValue, out _))
            {
                OnClose("parse error");
                return;
            }

            // The packets' bytes live in the pooled body until the next response: handlers copy what they keep.
            foreach (var packet in packets)
            {
                if (!HandlePacket(packet))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Reads a polling response into <paramref name="body"/>; false, having read at most one byte past it, when it is
    /// larger than <see cref="EngineIOClientOptions.MaxIncomingMessageBytes"/> (told by Content-Length, or found while
    /// reading a chunked body).
    /// </summary>
    private async Task<bool> ReadBodyAsync(HttpContent content, PooledByteBufferWriter body, CancellationToken cancellationToken)
    {
        var limit = _options.MaxIncomingMessageBytes;
        if (content.Headers.ContentLength > limit)
        {
            return false;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            while (true)
            {
                var room = (int)Math.Min(limit + 1 - body.WrittenCount, 64 * 1024);
                var read = await stream.ReadAsync(body.GetMemory(room)[..room], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return true;
                }

                body.Advance(read);
                if (body.WrittenCount > limit)
                {
                    return false;
                }
            }
        }
    }

    private async Task PostLoopAsync()
    {
        while (await TakeOutboxAsync().ConfigureAwait(false) is { } packets)
        {
            if (!await PostAsync(packets).ConfigureAwait(false))
            {
                OnClose("transport error");
                return;
            }
        }
    }

    /// <summary>POSTs the packets as payloads, split so that none is larger than the server's maxPayload.</summary>
    private async Task<bool> PostAsync(List<EngineIOOutgoingPacket> packets)
    {
        var start = 0;
        while (start < packets.Count)
        {
            var count = 1;
            var length = EngineIOCodec.GetPayloadLength(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packets).Slice(start, 1));
            while (start + count < packets.Count)
            {
                var next = EngineIOCodec.GetPayloadLength(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packets).Slice(start + count, 1)) + 1;
                if (length + next > MaxPayload)
                {
                    break;
                }

                length += next;
                count++;
            }

            var body = new ArrayBufferWriter<byte>(length);
            EngineIOCodec.WritePayload(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(packets).Slice(start, count), body);
            start += count;
            try
            {
                var content = new ReadOnlyMemoryContent(body.WrittenMemory);
                content.Headers.ContentType = s_textPlain;
                using var request = Request(HttpMethod.Post, RequestUri("polling", withSid: true));
                request.Content = content;
                using var response = await _polling!.SendAsync(request, _closed.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Before the upgrade completes, polling stops: no new GET or POST, and the ones in flight finish (the server
    /// answers a pending GET with a noop as soon as the probe succeeded).
    /// </summary>
    private async Task PausePollingAsync()
    {
        lock (_gate)
        {
            _pollPaused = true;
            _writerPaused = true;
        }

        WakeWriter();
        await Task.WhenAll(_pollLoop, _postLoop).ConfigureAwait(false);
    }

    /// <summary>Sends the close packet on polling, after what is queued.</summary>
    private async Task ClosePollingAsync()
    {
        List<EngineIOOutgoingPacket> packets;
        lock (_gate)
        {
            _pollPaused = true;
            _writerPaused = true;
            packets = _outbox;
            _outbox = [];
        }

        WakeWriter();
        await _postLoop.ConfigureAwait(false);
        packets.Add(EngineIOOutgoingPacket.Close);
        await PostAsync(packets).ConfigureAwait(false);
    }
}
