using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Typed.SocketIO.Internal;

/// <summary>
/// One set of authorization requirements (a hub's, a hub method's, a namespace's), evaluated as ASP.NET Core does:
/// the attributes are combined into one policy with <see cref="AuthorizationPolicy.CombineAsync(IAuthorizationPolicyProvider, IEnumerable{IAuthorizeData})"/>,
/// then <see cref="IAuthorizationService"/> checks it against the user of the connection's handshake request.
/// </summary>
internal sealed class SocketAuthorizer
{
    private readonly IAuthorizeData[] _data;
    private readonly IServiceProvider _services;
    private IAuthorizationPolicyProvider? _provider;
    private IAuthorizationService? _authorization;

    // Combined once and reused, as the authorization middleware does for an endpoint, unless the provider says its
    // policies may change (AllowsCachingPolicies false): then every check asks it again.
    private Task<AuthorizationPolicy?>? _policy;

    public SocketAuthorizer(IServiceProvider services, IEnumerable<IAuthorizeData> data)
    {
        _services = services;
        _data = [.. data];
        if (services.GetService<IAuthorizationPolicyProvider>() is null)
        {
            // Found at start-up (MapSocketHub, RequireAuthorization) rather than on the first connection.
            throw new InvalidOperationException("Socket.IO authorization needs the authorization services: call builder.Services.AddAuthorization().");
        }
    }

    /// <summary>Whether <paramref name="user"/> satisfies the requirements; <paramref name="resource"/> is passed to handlers.</summary>
    public async ValueTask<bool> AuthorizeAsync(ClaimsPrincipal user, object resource)
    {
        var provider = _provider ??= _services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await (provider.AllowsCachingPolicies
            ? _policy ??= AuthorizationPolicy.CombineAsync(provider, _data)
            : AuthorizationPolicy.CombineAsync(provider, _data)).ConfigureAwait(false);
        if (policy is null)
        {
            return true;
        }

        var authorization = _authorization ??= _services.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(user, resource, policy).ConfigureAwait(false);
        return result.Succeeded;
    }
}
