using Typed;

namespace Typed.Interop.Tests.Authorization;

/// <summary>What clients send to the authorization test hubs.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase)]
public interface ISecureServer
{
    /// <summary>No attribute on either hub's method: the socket's user id, or "anonymous".</summary>
    Task<string> WhoAmI();

    /// <summary>[Authorize(Roles = "admin")] on the open hub.</summary>
    Task<string> AdminOnly();

    /// <summary>[Authorize(Policy = "gold")] on the open hub.</summary>
    Task<string> GoldOnly();

    /// <summary>[Authorize] and [AllowAnonymous] on the open hub: anonymous wins, as in ASP.NET Core.</summary>
    Task<string> Open();

    /// <summary>Sends <c>notify</c> to every socket of <paramref name="userId"/> through <c>Clients.User</c>.</summary>
    Task NotifyUser(string userId, string text);
}

/// <summary>What the test hubs send back.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase)]
public interface ISecureClient
{
    Task Notify(string text);
}
