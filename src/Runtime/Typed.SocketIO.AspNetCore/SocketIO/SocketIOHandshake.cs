using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Typed.EngineIO;

namespace Typed.SocketIO;

/// <summary>What a socket's connection carried: the HTTP handshake and the namespace CONNECT's auth payload.</summary>
public sealed class SocketIOHandshake
{
    // Headers and Query come from the Engine.IO handshake, which builds them on first access (most sockets never
    // read them); a handshake from another server carries them as given.
    private readonly EngineIOHandshake? _engine;
    private readonly IHeaderDictionary? _headers;
    private readonly IQueryCollection? _query;

    internal SocketIOHandshake(EngineIOHandshake engine, JsonElement auth, DateTimeOffset issued)
    {
        _engine = engine;
        Address = engine.RemoteAddress;
        Time = engine.Time;
        Url = engine.Url;
        IsSecure = engine.IsSecure;
        User = engine.User;
        Auth = auth;
        Issued = issued;
    }

    /// <summary>
    /// A handshake as another server described it: what a multi-server adapter gives the sockets
    /// <c>FetchSocketsAsync</c> finds elsewhere. <see cref="User"/> is then an anonymous principal.
    /// </summary>
    public SocketIOHandshake(IHeaderDictionary headers, IQueryCollection query, IPAddress? address, DateTimeOffset time, DateTimeOffset issued, string url, bool isSecure, JsonElement auth)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(url);
        _headers = headers;
        _query = query;
        Address = address;
        Time = time;
        Issued = issued;
        Url = url;
        IsSecure = isSecure;
        User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        Auth = auth;
    }

    /// <summary>The HTTP headers of the Engine.IO handshake.</summary>
    public IHeaderDictionary Headers => _engine?.Headers ?? _headers!;

    /// <summary>The query string of the Engine.IO handshake.</summary>
    public IQueryCollection Query => _engine?.Query ?? _query!;

    /// <summary>The client's address.</summary>
    public IPAddress? Address { get; }

    /// <summary>When the Engine.IO connection opened.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>When this namespace connection was made.</summary>
    public DateTimeOffset Issued { get; }

    /// <summary>The handshake URL (path and query).</summary>
    public string Url { get; }

    /// <summary>Whether the connection came over HTTPS.</summary>
    public bool IsSecure { get; }

    /// <summary>The user the ASP.NET Core pipeline authenticated for the handshake request.</summary>
    public System.Security.Claims.ClaimsPrincipal User { get; }

    /// <summary>The CONNECT packet's auth object (<c>{}</c> when the client sent none).</summary>
    public JsonElement Auth { get; }
}
