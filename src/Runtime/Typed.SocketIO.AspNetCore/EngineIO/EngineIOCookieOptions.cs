using Microsoft.AspNetCore.Http;

namespace Typed.EngineIO;

/// <summary>The <c>io</c> cookie set on the handshake when <see cref="EngineIOOptions.Cookie"/> is set.</summary>
public sealed class EngineIOCookieOptions
{
    /// <summary>Cookie name. Default <c>io</c>.</summary>
    public string Name { get; set; } = "io";

    /// <summary>Cookie path. Default <c>/</c>.</summary>
    public string Path { get; set; } = "/";

    /// <summary>Default true.</summary>
    public bool HttpOnly { get; set; } = true;

    /// <summary>Default <see cref="SameSiteMode.Lax"/>.</summary>
    public SameSiteMode SameSite { get; set; } = SameSiteMode.Lax;

    internal EngineIOCookieOptions Clone() => (EngineIOCookieOptions)MemberwiseClone();
}
