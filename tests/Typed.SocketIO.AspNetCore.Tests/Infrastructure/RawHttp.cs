using System.Net.Sockets;
using System.Text;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>A response read off a raw TCP connection: status, headers (names lower-cased) and the decoded body.</summary>
public sealed record RawHttpResponse(int StatusCode, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// HTTP/1.1 requests written byte for byte over a <see cref="TcpClient"/>, for inputs <see cref="HttpClient"/> refuses
/// to send (control characters in headers, hand-made WebSocket upgrade requests). Every call is bounded by a timeout.
/// </summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <c>{method} {pathAndQuery} HTTP/1.1</c> with a Host header, <paramref name="headers"/> (written as
    /// Latin-1, so any byte up to 0xFF goes out unchanged) and <c>Connection: close</c> unless a Connection header is
    /// given, then reads one response.
    /// </summary>
    public static async Task<RawHttpResponse> SendAsync(
        Uri baseUri, string method, string pathAndQuery, IEnumerable<(string Name, string Value)>? headers = null, byte[]? body = null, int timeoutMs = 5000)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        using var client = new TcpClient();
        await client.ConnectAsync(baseUri.Host, baseUri.Port, timeout.Token);
        var stream = client.GetStream();

        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(pathAndQuery).Append(" HTTP/1.1\r\n");
        head.Append("Host: ").Append(baseUri.Authority).Append("\r\n");
        var hasConnection = false;
        foreach (var (name, value) in headers ?? [])
        {
            hasConnection |= string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase);
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (!hasConnection)
        {
            head.Append("Connection: close\r\n");
        }

        if (body is not null)
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }

        head.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), timeout.Token);
        if (body is not null)
        {
            await stream.WriteAsync(body, timeout.Token);
        }

        return await ReadResponseAsync(stream, timeout.Token);
    }

    /// <summary>A WebSocket upgrade request (RFC 6455 headers) for <paramref name="pathAndQuery"/>; one response is read.</summary>
    public static Task<RawHttpResponse> SendWebSocketUpgradeAsync(Uri baseUri, string pathAndQuery, IEnumerable<(string Name, string Value)>? extraHeaders = null) =>
        SendAsync(baseUri, "GET", pathAndQuery,
        [
            ("Connection", "Upgrade"),
            ("Upgrade", "websocket"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
            .. extraHeaders ?? [],
        ]);

    private static async Task<RawHttpResponse> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var reader = new ByteReader(stream);
        var statusLine = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("The connection closed before a status line.");
        var parts = statusLine.Split(' ', 3);
        var status = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
        }

        byte[] body;
        if (status == 101)
        {
            body = [];
        }
        else if (headers.TryGetValue("content-length", out var length))
        {
            body = await reader.ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }
        else if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            using var decoded = new MemoryStream();
            while (true)
            {
                var sizeLine = await reader.ReadLineAsync(cancellationToken) ?? throw new IOException("Truncated chunked body.");
                var size = Convert.ToInt32(sizeLine.Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    // Trailers, then the blank line.
                    while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 })
                    {
                    }

                    break;
                }

                decoded.Write(await reader.ReadExactlyAsync(size, cancellationToken));
                await reader.ReadLineAsync(cancellationToken);
            }

            body = decoded.ToArray();
        }
        else
        {
            body = await reader.ReadToEndAsync(cancellationToken);
        }

        return new RawHttpResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    /// <summary>A small buffered reader over the raw stream: lines (CRLF) and exact byte counts.</summary>
    private sealed class ByteReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[8192];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Count == 0 ? null : Encoding.Latin1.GetString(line.ToArray());
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    if (line.Count > 0 && line[^1] == '\r')
                    {
                        line.RemoveAt(line.Count - 1);
                    }

                    return Encoding.Latin1.GetString(line.ToArray());
                }

                line.Add(b);
            }
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var filled = 0;
            while (filled < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException($"The connection closed after {filled} of {count} body bytes.");
                }

                var take = Math.Min(count - filled, _end - _start);
                Array.Copy(_buffer, _start, result, filled, take);
                _start += take;
                filled += take;
            }

            return result;
        }

        public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
        {
            using var all = new MemoryStream();
            while (_start < _end || await FillAsync(cancellationToken))
            {
                all.Write(_buffer, _start, _end - _start);
                _start = _end;
            }

            return all.ToArray();
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            try
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                return _end > 0;
            }
            catch (IOException)
            {
                // A reset after the response counts as the end of the stream.
                _end = 0;
                return false;
            }
        }
    }
}
