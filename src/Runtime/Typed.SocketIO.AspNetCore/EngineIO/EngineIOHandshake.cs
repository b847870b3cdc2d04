using System.Net;
using Microsoft.AspNetCore.Http;

namespace Typed.EngineIO;

/// <summary>What the request that opened a session carried. Captured once; it does not change on upgrade.</summary>
public sealed class EngineIOHandshake
{
    internal EngineIOHandshake(HttpContext context, DateTimeOffset time)
    {
        var request = context.Request;
        var headers = new HeaderDictionary();
        foreach (var header in request.Headers)
        {
            headers[header.Key] = header.Value;
        }

        Headers = headers;
        Query = request.Query;
        RemoteAddress = context.Connection.RemoteIpAddress;
        Time = time;
        Url = request.PathBase + request.Path + request.QueryString;
        IsSecure = request.IsHttps;
        User = context.User;
    }

    /// <summary>A copy of the request headers.</summary>
    public IHeaderDictionary Headers { get; }

    /// <summary>The query string parameters.</summary>
    public IQueryCollection Query { get; }

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
}
