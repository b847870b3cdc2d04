using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Typed;
using Typed.SocketIO;

namespace Secure;

[SocketContract(NamingPolicy = EventNamingPolicy.SnakeCaseLower)]
public interface IBaseServer
{
    Task<string> WhoAmI();
}

[SocketContract(NamingPolicy = EventNamingPolicy.SnakeCaseLower)]
public interface IAdminServer : IBaseServer
{
    Task BanUser(string user);

    [SocketEvent("read log")]
    Task<string[]> ReadLog();

    Task Ping();

    Task Unmarked();
}

/// <summary>An attribute deriving from AuthorizeAttribute: constructed again as written.</summary>
public sealed class AdminOnlyAttribute : AuthorizeAttribute
{
    public AdminOnlyAttribute(string scheme)
    {
        Roles = "admin";
        AuthenticationSchemes = scheme;
    }
}

[Authorize(Policy = "staff", Roles = "ops,admin")]
[Authorize("second")]
public sealed class AdminHub : SocketHub, IAdminServer
{
    [Authorize]
    public Task<string> WhoAmI() => Task.FromResult(Socket.UserId ?? "");

    [AdminOnly("token")]
    public Task BanUser(string user) => Task.CompletedTask;

    [Authorize(Roles = "auditor")]
    [Authorize(Policy = "audit")]
    public Task<string[]> ReadLog() => Task.FromResult(new string[0]);

    [AllowAnonymous]
    public Task Ping() => Task.CompletedTask;

    public Task Unmarked() => Task.CompletedTask;
}

[AllowAnonymous]
public sealed class PublicHub : SocketHub, IBaseServer
{
    public Task<string> WhoAmI() => Task.FromResult("");
}
