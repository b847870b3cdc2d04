using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace Typed.EngineIO.Internal;

/// <summary>
/// engine.io's <c>httpCompression</c> for polling responses: a payload of at least the threshold is gzipped or
/// deflated (zlib format, as Node's <c>zlib.createDeflate</c> and HTTP's <c>deflate</c>) when the request's
/// Accept-Encoding allows, gzip first as in engine.io. Smaller payloads, and clients that ask for neither, get it as is.
/// </summary>
internal static class PollingCompression
{
    /// <summary>The encoding to answer this request with (<c>gzip</c> or <c>deflate</c>), or null for none.</summary>
    public static string? ChooseEncoding(HttpContext context, EngineIOOptions options, int payloadLength)
    {
        if (!options.HttpCompression || payloadLength < options.HttpCompressionThreshold)
        {
            return null;
        }

        var gzip = false;
        var deflate = false;
        foreach (var value in context.Request.Headers.AcceptEncoding)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var semicolon = item.IndexOf(';', StringComparison.Ordinal);
                var token = semicolon < 0 ? item : item[..semicolon].TrimEnd();

                // "gzip;q=0" refuses gzip (RFC 9110 §12.5.3); any other weight accepts it.
                if (semicolon >= 0 && IsZeroWeight(item[(semicolon + 1)..]))
                {
                    continue;
                }

                gzip |= token.Equals("gzip", StringComparison.OrdinalIgnoreCase);
                deflate |= token.Equals("deflate", StringComparison.OrdinalIgnoreCase);
            }
        }

        return gzip ? "gzip" : deflate ? "deflate" : null;
    }

    /// <summary>Writes <paramref name="packets"/> compressed with <paramref name="encoding"/> as the response body, its headers set.</summary>
    public static void WritePayload(HttpContext context, ReadOnlySpan<EngineIOOutgoingPacket> packets, int payloadLength, string encoding)
    {
        var payload = ArrayPool<byte>.Shared.Rent(payloadLength);
        try
        {
            var writer = new SpanWriter(payload);
            EngineIOCodec.WritePayload(packets, writer);

            // Compressed in memory first, so the response keeps a Content-Length (engine.io streams it chunked; either is HTTP).
            using var compressed = new MemoryStream(payloadLength / 2);
            using (Stream zip = encoding == "gzip"
                ? new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)
                : new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(payload, 0, writer.Written);
            }

            context.Response.Headers.ContentEncoding = encoding;
            context.Response.ContentLength = compressed.Length;
            context.Response.BodyWriter.Write(compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(payload);
        }
    }

    private static bool IsZeroWeight(string parameters)
    {
        foreach (var parameter in parameters.Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                && double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var q))
            {
                return q == 0;
            }
        }

        return false;
    }

    /// <summary>Writes into an array sized for the payload (its length was computed first).</summary>
    private sealed class SpanWriter(byte[] buffer) : IBufferWriter<byte>
    {
        public int Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => buffer.AsMemory(Written);

        public Span<byte> GetSpan(int sizeHint = 0) => buffer.AsSpan(Written);
    }
}
