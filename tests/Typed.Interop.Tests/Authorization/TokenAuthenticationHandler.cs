using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Typed.Interop.Tests.Authorization;

/// <summary>
/// A real authentication scheme for the tests: the <c>token</c> query parameter (sent by the client on every
/// Engine.IO request, the WebSocket upgrade included) reads <c>name:role,role:tier</c>, e.g. <c>alice:admin:silver</c>.
/// No token: anonymous. An empty name: authentication fails.
/// </summary>
public sealed class TokenAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Query.TryGetValue("token", out var values) || values.ToString() is not { Length: > 0 } token)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var parts = token.Split(':');
        if (parts[0].Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("empty name"));
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, parts[0]), new(ClaimTypes.Name, parts[0]) };
        if (parts.Length > 1)
        {
            claims.AddRange(parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(role => new Claim(ClaimTypes.Role, role)));
        }

        if (parts.Length > 2)
        {
            claims.Add(new Claim("tier", parts[2]));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}
