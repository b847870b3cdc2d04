using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Typed.EngineIO.Internal;

/// <summary>
/// The server-side Origin check for handshakes and WebSocket upgrades. CORS only tells browsers what they may read;
/// it never stops a cross-site WebSocket carrying the victim's cookies, so the server must refuse it itself.
/// </summary>
internal sealed class OriginPolicy(EngineIOOptions options)
{
    private readonly HashSet<string> _allowed = new(options.AllowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(HttpRequest request)
    {
        var origin = request.Headers.Origin;
        if (StringValues.IsNullOrEmpty(origin))
        {
            return options.AllowRequestsWithoutOrigin;
        }

        if (options.AllowAnyOrigin)
        {
            return true;
        }

        if (origin.Count != 1)
        {
            return false;
        }

        var value = Normalize(origin[0]!);
        if (_allowed.Count > 0)
        {
            return _allowed.Contains(value);
        }

        // Same origin: the page was served by this host, on this scheme.
        var self = request.Scheme + "://" + request.Host.Value;
        return string.Equals(value, Normalize(self), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Control characters or DEL in the Origin header (the reference's <c>checkInvalidHeaderChar</c>).</summary>
    public static bool HasInvalidCharacters(StringValues origin)
    {
        foreach (var value in origin)
        {
            foreach (var c in value ?? string.Empty)
            {
                if ((c < ' ' && c != '\t') || c == '\x7f' || c > '\xff')
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Drops a default port and a trailing slash so <c>http://a:80/</c> and <c>http://a</c> compare equal.</summary>
    private static string Normalize(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri))
        {
            return origin;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{uri.Host}" : $"{uri.Scheme}://{uri.Host}:{uri.Port}";
    }
}
