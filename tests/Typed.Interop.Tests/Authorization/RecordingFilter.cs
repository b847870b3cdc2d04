using Typed.SocketIO;

namespace Typed.Interop.Tests.Authorization;

/// <summary>
/// A hub filter that records its steps under its name; as "gate" it also short-circuits <c>adminOnly</c>: a user
/// named "limited" gets a <c>rate_limited</c> error ack without the method running, one named "thrower" makes the
/// filter throw.
/// </summary>
public sealed class RecordingFilter(AuthLog log, string name) : ISocketHubFilter
{
    public async ValueTask InvokeMethodAsync(SocketHubInvocationContext context, Func<SocketHubInvocationContext, ValueTask> next)
    {
        log.Add($"{name} before {context.EventName}");
        if (name == "gate" && context.EventName == "adminOnly" && context.Socket.UserId == "limited")
        {
            context.Event.AckError(new SocketIOError("rate_limited", "Slow down."));
            return;
        }

        if (name == "gate" && context.EventName == "adminOnly" && context.Socket.UserId == "thrower")
        {
            throw new InvalidOperationException("the gate filter failed");
        }

        await next(context);
        log.Add($"{name} after {context.EventName}");
    }

    public async Task OnConnectedAsync(SocketHubLifetimeContext context, Func<SocketHubLifetimeContext, Task> next)
    {
        log.Add($"{name} connected {context.Socket.UserId}");
        await next(context);
    }
}
