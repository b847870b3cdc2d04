using Microsoft.AspNetCore.Authorization;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Authorization;

/// <summary>A hub anyone may connect to, whose methods carry their own requirements (mapped on <c>/open</c>).</summary>
public sealed class OpenHub(AuthLog log) : SocketHub<ISecureClient>, ISecureServer
{
    public Task<string> WhoAmI() => Task.FromResult(Socket.UserId ?? "anonymous");

    [Authorize(Roles = "admin")]
    public Task<string> AdminOnly()
    {
        log.Add("adminOnly ran");
        return Task.FromResult("admin");
    }

    [Authorize(Policy = AuthTestHost.GoldPolicy)]
    public Task<string> GoldOnly()
    {
        log.Add("goldOnly ran");
        return Task.FromResult("gold");
    }

    [Authorize]
    [AllowAnonymous]
    public Task<string> Open() => Task.FromResult("open");

    public Task NotifyUser(string userId, string text) => Clients.User(userId).Notify(text);
}
