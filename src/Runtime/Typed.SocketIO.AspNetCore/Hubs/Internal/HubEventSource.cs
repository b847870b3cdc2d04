using System.Text.Json;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.Hubs.Internal;

/// <summary>
/// The socket as the generated binder sees it, with each handler wrapped in the hub's pipeline: the method's
/// authorization first (a refused event is not run; a sender waiting for an acknowledgement gets an
/// <c>unauthorized</c> error acknowledgement), then the filters. Events of a method with no attributes and a hub with
/// no filters get the generated handler itself.
/// </summary>
internal sealed class HubEventSource(SocketIOSocket socket, SocketHubPipeline pipeline) : ISocketIOEventSource
{
    private ISocketIOEventSource Inner => socket;

    public JsonSerializerOptions JsonSerializerOptions => Inner.JsonSerializerOptions;

    public IDisposable On(string eventName, Func<ISocketIOEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var authorizer = pipeline.MethodAuthorizer(eventName);
        var chain = pipeline.Chain(handler);
        if (authorizer is null && chain is null)
        {
            return Inner.On(eventName, handler);
        }

        return Inner.On(eventName, e => InvokeAsync((SocketIOEventContext)e, authorizer, handler, chain));
    }

    private async ValueTask InvokeAsync(SocketIOEventContext context, SocketAuthorizer? authorizer, Func<ISocketIOEvent, ValueTask> handler, Func<SocketHubInvocationContext, ValueTask>? chain)
    {
        if (authorizer is not null && !await authorizer.AuthorizeAsync(socket.Handshake.User, context).ConfigureAwait(false))
        {
            SocketIOAuthorizationLog.EventForbidden(socket.Logger, socket.Id, socket.UserId, context.EventName, socket.Namespace.Name);
            context.AckError(new SocketIOError(SocketIOErrorCodes.Unauthorized, $"Not authorized to send '{context.EventName}'."));
            return;
        }

        if (chain is null)
        {
            await handler(context).ConfigureAwait(false);
        }
        else
        {
            await chain(new SocketHubInvocationContext(pipeline.HubType, context)).ConfigureAwait(false);
        }
    }
}
