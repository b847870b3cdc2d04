using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Typed.EngineIO.Internal;

/// <summary>
/// The server's side of permessage-deflate (RFC 7692 §5): picks the first offer in the client's
/// <c>Sec-WebSocket-Extensions</c> that .NET's deflate can serve and writes the matching response. Used by the
/// HTTP/1.1 handshake, which is done by hand (<see cref="WebSocketAcceptor"/>) and so cannot rely on ASP.NET Core's.
/// </summary>
internal static class PerMessageDeflateNegotiation
{
    private const string ExtensionName = "permessage-deflate";

    // zlib, under .NET's deflate, cannot use a window smaller than 2^9 (RFC 7692 allows 8).
    private const int MinWindowBits = 9;
    private const int MaxWindowBits = 15;

    /// <summary>The options and response header for the first acceptable offer; false when there is none.</summary>
    public static bool TryNegotiate(string? offers, out WebSocketDeflateOptions options, out string response)
    {
        options = null!;
        response = string.Empty;
        if (string.IsNullOrEmpty(offers))
        {
            return false;
        }

        foreach (var offer in offers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (TryAccept(offer, out options, out response))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryAccept(string offer, out WebSocketDeflateOptions options, out string response)
    {
        options = new WebSocketDeflateOptions();
        response = string.Empty;
        var parts = offer.Split(';', StringSplitOptions.TrimEntries);
        if (!string.Equals(parts[0], ExtensionName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var answer = new StringBuilder(ExtensionName);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < parts.Length; i++)
        {
            var (name, value) = Split(parts[i]);

            // RFC 7692 §7: an offer with a parameter twice, or one we do not know, is declined.
            if (name.Length == 0 || !seen.Add(name))
            {
                return false;
            }

            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover" when value is null:
                    options.ServerContextTakeover = false;
                    answer.Append("; server_no_context_takeover");
                    break;
                case "client_no_context_takeover" when value is null:
                    options.ClientContextTakeover = false;
                    answer.Append("; client_no_context_takeover");
                    break;
                case "server_max_window_bits":
                    if (!TryParseBits(value, out var serverBits))
                    {
                        return false;
                    }

                    options.ServerMaxWindowBits = serverBits;
                    answer.Append("; server_max_window_bits=").Append(serverBits.ToString(CultureInfo.InvariantCulture));
                    break;
                case "client_max_window_bits":
                    // Without a value the client only says it could take a limit; none is set (15, its default).
                    if (value is not null)
                    {
                        if (!TryParseBits(value, out var clientBits))
                        {
                            return false;
                        }

                        options.ClientMaxWindowBits = clientBits;
                        answer.Append("; client_max_window_bits=").Append(clientBits.ToString(CultureInfo.InvariantCulture));
                    }

                    break;
                default:
                    return false;
            }
        }

        response = answer.ToString();
        return true;
    }

    private static (string Name, string? Value) Split(string parameter)
    {
        var equals = parameter.IndexOf('=', StringComparison.Ordinal);
        return equals < 0
            ? (parameter, null)
            : (parameter[..equals].Trim(), parameter[(equals + 1)..].Trim().Trim('"'));
    }

    private static bool TryParseBits(string? value, out int bits) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bits) && bits is >= MinWindowBits and <= MaxWindowBits;
}
