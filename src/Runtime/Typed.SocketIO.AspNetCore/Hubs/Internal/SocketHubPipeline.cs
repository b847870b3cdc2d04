using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.Hubs.Internal;

/// <summary>
/// What runs around a mapped hub's events: each method's authorization (combined once, at first use) and the hub
/// filters. Built once per <c>MapSocketHub</c>; a hub with neither binds its handlers straight onto the socket, so its
/// events cost nothing more.
/// </summary>
internal sealed class SocketHubPipeline
{
    private readonly Dictionary<string, SocketAuthorizer> _methods;

    public SocketHubPipeline(Type hubType, IServiceProvider services, SocketHubAuthorization? authorization, ISocketHubFilter[] filters)
    {
        HubType = hubType;
        Filters = filters;
        _methods = new Dictionary<string, SocketAuthorizer>(StringComparer.Ordinal);
        if (authorization is null)
        {
            return;
        }

        if (!authorization.HubAllowsAnonymous && authorization.Hub.Count > 0)
        {
            Connect = authorization.Hub;
        }

        foreach (var method in authorization.Methods)
        {
            // [AllowAnonymous] on a method: its events are not checked (the hub's own check ran at connect).
            if (!method.AllowsAnonymous && method.Data.Count > 0)
            {
                _methods[method.EventName] = new SocketAuthorizer(services, method.Data);
            }
        }
    }

    public Type HubType { get; }

    public ISocketHubFilter[] Filters { get; }

    /// <summary>The hub class's requirements, checked at connect; null when there are none.</summary>
    public IReadOnlyList<Microsoft.AspNetCore.Authorization.IAuthorizeData>? Connect { get; }

    /// <summary>Whether events need anything besides their handler.</summary>
    public bool WrapsEvents => _methods.Count > 0 || Filters.Length > 0;

    public SocketAuthorizer? MethodAuthorizer(string eventName) => _methods.GetValueOrDefault(eventName);

    /// <summary>The filters' chain around <paramref name="handler"/>, built once per socket and event name.</summary>
    public Func<SocketHubInvocationContext, ValueTask>? Chain(Func<ISocketIOEvent, ValueTask> handler)
    {
        if (Filters.Length == 0)
        {
            return null;
        }

        Func<SocketHubInvocationContext, ValueTask> next = context => handler(context.Event);
        for (var i = Filters.Length - 1; i >= 0; i--)
        {
            var filter = Filters[i];
            var inner = next;
            next = context => filter.InvokeMethodAsync(context, inner);
        }

        return next;
    }

    public Task OnConnectedAsync(SocketIOSocket socket, Func<Task> hub) =>
        Filters.Length == 0 ? hub() : RunLifetime(0, new SocketHubLifetimeContext(HubType, socket), hub);

    public Task OnDisconnectedAsync(SocketIOSocket socket, SocketIODisconnectReason reason, Func<SocketIODisconnectReason, Task> hub) =>
        Filters.Length == 0 ? hub(reason) : RunDisconnected(0, new SocketHubLifetimeContext(HubType, socket), reason, hub);

    private Task RunLifetime(int index, SocketHubLifetimeContext context, Func<Task> hub) => index == Filters.Length
        ? hub()
        : Filters[index].OnConnectedAsync(context, next => RunLifetime(index + 1, next, hub));

    private Task RunDisconnected(int index, SocketHubLifetimeContext context, SocketIODisconnectReason reason, Func<SocketIODisconnectReason, Task> hub) => index == Filters.Length
        ? hub(reason)
        : Filters[index].OnDisconnectedAsync(context, reason, (next, nextReason) => RunDisconnected(index + 1, next, nextReason, hub));
}
