using Microsoft.AspNetCore.Authorization;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Authorization;

/// <summary>A hub only authenticated users may connect to (mapped on <c>/secure</c>).</summary>
[Authorize]
public sealed class SecureHub(AuthLog log) : SocketHub<ISecureClient>, ISecureServer
{
    public override Task OnConnectedAsync()
    {
        log.Add("secure connected " + Socket.UserId);
        return Task.CompletedTask;
    }

    public Task<string> WhoAmI() => Task.FromResult(Socket.UserId ?? "anonymous");

    public Task<string> AdminOnly() => Task.FromResult("admin");

    public Task<string> GoldOnly() => Task.FromResult("gold");

    public Task<string> Open() => Task.FromResult("open");

    public Task NotifyUser(string userId, string text) => Clients.Users(userId).Notify(text);
}
