namespace Typed.SocketIO;

/// <summary>
/// Runs around a hub's events and lifetime, as SignalR's <c>IHubFilter</c>: each method receives the next step and may
/// run code before and after it, or not call it at all (a rate limit, say). Registered globally with
/// <c>services.Configure&lt;SocketHubOptions&gt;(o =&gt; o.AddFilter&lt;T&gt;())</c> or for one hub with
/// <c>app.MapSocketHub&lt;THub&gt;("/ns", o =&gt; o.AddFilter&lt;T&gt;())</c>; global filters run first, each list in
/// the order added. A filter is created once per mapped hub, so it lives as long as the application.
/// </summary>
public interface ISocketHubFilter
{
    /// <summary>
    /// Around one event handled by a hub method, after the method's authorization succeeded. Not calling
    /// <paramref name="next"/> skips the method: the filter may answer the sender with
    /// <c>context.Event.AckError(…)</c>. An exception thrown here reaches the sender as the error acknowledgement the
    /// method's own exception would give (<c>handler_error</c>).
    /// </summary>
    ValueTask InvokeMethodAsync(SocketHubInvocationContext context, Func<SocketHubInvocationContext, ValueTask> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(context);
    }

    /// <summary>Around the hub's <see cref="SocketHub.OnConnectedAsync"/>; an exception refuses the connection.</summary>
    Task OnConnectedAsync(SocketHubLifetimeContext context, Func<SocketHubLifetimeContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(context);
    }

    /// <summary>Around the hub's <see cref="SocketHub.OnDisconnectedAsync"/>.</summary>
    Task OnDisconnectedAsync(SocketHubLifetimeContext context, SocketIODisconnectReason reason, Func<SocketHubLifetimeContext, SocketIODisconnectReason, Task> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return next(context, reason);
    }
}
