using Microsoft.AspNetCore.Authorization;

namespace Typed.SocketIO;

/// <summary>Authorization of the sockets connecting to a namespace, the ASP.NET Core way.</summary>
public static class SocketIONamespaceAuthorizationExtensions
{
    /// <summary>
    /// Refuses a socket whose user (the handshake request's <c>HttpContext.User</c>) does not satisfy all of
    /// <paramref name="policies"/>, or the default policy (an authenticated user) when none is named: the client gets a
    /// <c>connect_error</c> and its Engine.IO connection stays up for other namespaces. Checked in a connection
    /// middleware, in order with those added by <see cref="SocketIONamespace.Use"/>. Needs <c>AddAuthorization()</c>.
    /// </summary>
    /// <returns>The namespace, for more configuration.</returns>
    public static SocketIONamespace RequireAuthorization(this SocketIONamespace ns, params string[] policies)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(policies);
        IAuthorizeData[] data = policies.Length == 0 ? [new AuthorizeAttribute()] : [.. policies.Select(static p => new AuthorizeAttribute(p))];
        return ns.RequireAuthorization(data);
    }

    /// <summary>Refuses a socket whose user does not satisfy <paramref name="data"/>, combined as ASP.NET Core combines attributes.</summary>
    internal static SocketIONamespace RequireAuthorization(this SocketIONamespace ns, IReadOnlyList<IAuthorizeData> data)
    {
        var services = ns.Server.Services
            ?? throw new InvalidOperationException("RequireAuthorization needs the server from builder.Services.AddSocketIO().");
        var authorizer = new SocketAuthorizer(services, data);
        return ns.Use(async socket =>
        {
            if (!await authorizer.AuthorizeAsync(socket.Handshake.User, socket).ConfigureAwait(false))
            {
                SocketIOAuthorizationLog.ConnectForbidden(socket.Logger, socket.Id, socket.UserId, socket.Namespace.Name);
                throw new SocketIOConnectionRejectedException(socket.Handshake.User.Identity?.IsAuthenticated == true
                    ? $"Forbidden: the user may not connect to namespace '{socket.Namespace.Name}'."
                    : $"Unauthorized: namespace '{socket.Namespace.Name}' requires an authenticated user.");
            }
        });
    }
}
