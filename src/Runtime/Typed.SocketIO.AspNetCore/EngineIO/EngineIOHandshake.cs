using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Typed.EngineIO;

/// <summary>What the request that opened a session carried. Captured once; it does not change on upgrade.</summary>
public sealed class EngineIOHandshake
{
    // A session lives far longer than its handshake request, and most applications never read these: the headers are
    // kept as a flat array (no dictionary) and the query as its string, and each collection is built on first access.
    private readonly KeyValuePair<string, StringValues>[] _headerFields;
    private readonly string _queryString;
    private IHeaderDictionary? _headers;
    private IQueryCollection? _query;

    internal EngineIOHandshake(HttpContext context, DateTimeOffset time)
    {
        var request = context.Request;
        var fields = new KeyValuePair<string, StringValues>[request.Headers.Count];
        var count = 0;
        foreach (var header in request.Headers)
        {
            if (count == fields.Length)
            {
                Array.Resize(ref fields, count + 1);
            }

            fields[count++] = header;
        }

        _headerFields = count == fields.Length ? fields : fields[..count];
        _queryString = request.QueryString.Value ?? "";
        RemoteAddress = context.Connection.RemoteIpAddress;
        Time = time;
        Url = request.PathBase + request.Path + request.QueryString;
        IsSecure = request.IsHttps;
        User = context.User;
    }

    /// <summary>A copy of the request headers (built on first access).</summary>
    public IHeaderDictionary Headers => _headers ?? Interlocked.CompareExchange(ref _headers, CreateHeaders(), null) ?? _headers;

    /// <summary>The query string parameters (parsed on first access).</summary>
    public IQueryCollection Query => _query ?? Interlocked.CompareExchange(ref _query, CreateQuery(), null) ?? _query;

    /// <summary>The client's IP address, as Kestrel (or forwarded-headers middleware) saw it.</summary>
    public IPAddress? RemoteAddress { get; }

    /// <summary>When the session opened.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The path and query of the handshake request.</summary>
    public string Url { get; }

    /// <summary>Whether the handshake came over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>The user authenticated by the ASP.NET Core pipeline for the handshake request.</summary>
    public System.Security.Claims.ClaimsPrincipal User { get; }

    private HeaderDictionary CreateHeaders()
    {
        var headers = new HeaderDictionary(_headerFields.Length);
        foreach (var (name, value) in _headerFields)
        {
            headers[name] = value;
        }

        return headers;
    }

    // The same parser ASP.NET Core's request feature uses, so the collection matches what request.Query held.
    private QueryCollection CreateQuery() =>
        QueryHelpers.ParseNullableQuery(_queryString) is { } values ? new QueryCollection(values) : QueryCollection.Empty;
}
