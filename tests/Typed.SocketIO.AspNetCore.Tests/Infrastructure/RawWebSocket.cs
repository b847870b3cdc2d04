using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>One WebSocket frame as read off the wire.</summary>
public readonly record struct RawFrame(bool Fin, int Rsv, int Opcode, byte[] Payload)
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    public string PayloadText => Encoding.UTF8.GetString(Payload);

    /// <summary>The status code of a close frame; null when it carries none (the peer means 1005).</summary>
    public int? CloseCode => Opcode == Close && Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : null;
}

/// <summary>
/// A WebSocket client written by hand over a <see cref="TcpClient"/>, for sending what <c>ClientWebSocket</c>
/// refuses to send: bad frames, invalid UTF-8, hostile handshake headers. Client frames are masked unless asked
/// otherwise; every read has a timeout.
/// </summary>
public sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp, int statusCode, Dictionary<string, string> headers)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        StatusCode = statusCode;
        Headers = headers;
    }

    /// <summary>The status code of the handshake response (101 when accepted).</summary>
    public int StatusCode { get; }

    /// <summary>The handshake response headers, names case-insensitive.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The client's local port: the server sees it as the connection's remote port.</summary>
    public int LocalPort => ((System.Net.IPEndPoint)_tcp.Client.LocalEndPoint!).Port;

    /// <summary>Sends a WebSocket handshake for <c>/engine.io/?<paramref name="query"/></c> and reads the response head.</summary>
    public static Task<RawWebSocket> ConnectAsync(Uri baseUri, string query, params (string Name, string Value)[] extraHeaders) =>
        ConnectAsync(baseUri, query, configureTcp: null, extraHeaders);

    /// <summary>
    /// As <see cref="ConnectAsync(Uri, string, (string Name, string Value)[])"/>, with <paramref name="configureTcp"/>
    /// applied to the socket before it connects (e.g. a tiny receive buffer, for a peer that stops reading).
    /// </summary>
    public static async Task<RawWebSocket> ConnectAsync(Uri baseUri, string query, Action<TcpClient>? configureTcp, params (string Name, string Value)[] extraHeaders)
    {
        var tcp = new TcpClient { NoDelay = true };
        configureTcp?.Invoke(tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await tcp.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
            var request = new StringBuilder()
                .Append($"GET /engine.io/?{query} HTTP/1.1\r\n")
                .Append($"Host: {baseUri.Host}:{baseUri.Port}\r\n")
                .Append("Upgrade: websocket\r\n")
                .Append("Connection: Upgrade\r\n")
                .Append($"Sec-WebSocket-Key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))}\r\n")
                .Append("Sec-WebSocket-Version: 13\r\n");
            foreach (var (name, value) in extraHeaders)
            {
                request.Append($"{name}: {value}\r\n");
            }

            request.Append("\r\n");
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), timeout.Token);
            var head = await ReadResponseHeadAsync(stream, timeout.Token);
            var lines = head.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var statusCode = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in lines.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            return new RawWebSocket(tcp, statusCode, headers);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one frame: <paramref name="firstByte"/> is FIN | RSV | opcode, the length is encoded for the payload.</summary>
    public async Task SendFrameAsync(byte firstByte, ReadOnlyMemory<byte> payload, bool masked = true, int? declaredLength = null)
    {
        var length = declaredLength ?? payload.Length;
        using var frame = new MemoryStream();
        frame.WriteByte(firstByte);
        var maskBit = masked ? (byte)0x80 : (byte)0;
        if (length <= 125)
        {
            frame.WriteByte((byte)(maskBit | length));
        }
        else if (length <= ushort.MaxValue)
        {
            frame.WriteByte((byte)(maskBit | 126));
            frame.WriteByte((byte)(length >> 8));
            frame.WriteByte((byte)length);
        }
        else
        {
            frame.WriteByte((byte)(maskBit | 127));
            Span<byte> extended = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(extended, (ulong)length);
            frame.Write(extended);
        }

        var data = payload.ToArray();
        if (masked)
        {
            var mask = RandomNumberGenerator.GetBytes(4);
            frame.Write(mask);
            for (var i = 0; i < data.Length; i++)
            {
                data[i] ^= mask[i % 4];
            }
        }

        frame.Write(data);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _stream.WriteAsync(frame.ToArray(), timeout.Token);
    }

    /// <summary>Sends bytes exactly as given, for frames no encoder would produce.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>Sends a whole (FIN) masked text frame.</summary>
    public Task SendTextAsync(string text) => SendFrameAsync(0x80 | RawFrame.Text, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads the next frame; null when the server closed the TCP connection (EOF or reset).</summary>
    public async Task<RawFrame?> ReadFrameAsync(int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        try
        {
            var head = new byte[2];
            if (!await ReadExactlyOrEofAsync(head, timeout.Token))
            {
                return null;
            }

            long length = head[1] & 0x7F;
            if (length == 126)
            {
                var extended = new byte[2];
                await _stream.ReadExactlyAsync(extended, timeout.Token);
                length = BinaryPrimitives.ReadUInt16BigEndian(extended);
            }
            else if (length == 127)
            {
                var extended = new byte[8];
                await _stream.ReadExactlyAsync(extended, timeout.Token);
                length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
            }

            Assert.True((head[1] & 0x80) == 0, "server frames must not be masked");
            Assert.InRange(length, 0, 16 * 1024 * 1024);
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, timeout.Token);
            return new RawFrame((head[0] & 0x80) != 0, (head[0] >> 4) & 0x7, head[0] & 0x0F, payload);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Reads frames until a text frame that is not a heartbeat ping (pings are answered with <c>3</c>).</summary>
    public async Task<RawFrame> ReadTextSkippingPingsAsync(int timeoutMs = 5000)
    {
        using var deadline = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            var frame = await ReadFrameAsync(timeoutMs);
            Assert.NotNull(frame);
            deadline.Token.ThrowIfCancellationRequested();
            if (frame.Value.Opcode == RawFrame.Text && frame.Value.PayloadText == "2")
            {
                await SendTextAsync("3");
                continue;
            }

            if (frame.Value.Opcode == RawFrame.Text)
            {
                return frame.Value;
            }
        }
    }

    /// <summary>
    /// Reads until the server ends the connection. Returns the close frame it sent, or null when the TCP connection
    /// ended with no close frame. Data frames on the way are skipped.
    /// </summary>
    public async Task<RawFrame?> ReadUntilClosedAsync(int timeoutMs = 5000)
    {
        using var deadline = new CancellationTokenSource(timeoutMs);
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var frame = await ReadFrameAsync(timeoutMs);
            if (frame is null || frame.Value.Opcode == RawFrame.Close)
            {
                return frame;
            }
        }
    }

    /// <summary>Whether the server has closed the TCP connection: a read returns EOF (or reset) within the timeout.</summary>
    public async Task<bool> IsConnectionEndedAsync(int timeoutMs = 5000)
    {
        using var deadline = new CancellationTokenSource(timeoutMs);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, deadline.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _tcp.Dispose();

    private async Task<bool> ReadExactlyOrEofAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                if (read == 0)
                {
                    return false;
                }

                throw new EndOfStreamException();
            }

            read += n;
        }

        return true;
    }

    /// <summary>Reads byte by byte up to the blank line, so no frame byte is consumed with the head.</summary>
    private static async Task<string> ReadResponseHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < 16 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                throw new EndOfStreamException("connection closed during the handshake response");
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString(head.ToArray());
            }
        }

        throw new InvalidDataException("handshake response head too long");
    }
}
