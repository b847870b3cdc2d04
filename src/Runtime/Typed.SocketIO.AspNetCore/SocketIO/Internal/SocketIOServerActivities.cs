using System.Diagnostics;
using Typed.EngineIO;

namespace Typed.SocketIO.Internal;

/// <summary>
/// The server's <see cref="ActivitySource"/> <c>Typed.SocketIO.Server</c>: one activity per namespace CONNECT and per
/// received event. With no listener <see cref="ActivitySource.HasListeners"/> is false and nothing is created or
/// measured. The choices (span names, parents, links) are documented in docs/telemetry.md.
/// </summary>
internal static class SocketIOServerActivities
{
    public const string SourceName = "Typed.SocketIO.Server";

    /// <summary>Event names from clients are tags only, and cut to this length: spans are not a place for megabytes.</summary>
    private const int MaxEventNameTagLength = 128;

    private static readonly ActivitySource s_source = new(SourceName, typeof(SocketIOServerActivities).Assembly.GetName().Version?.ToString());

    // Keyed in the session's Items by an object nobody else holds, so the application cannot collide with it.
    private static readonly object s_handshakeKey = new();

    /// <summary>
    /// A session opened, inside its handshake request: the request's activity (which ASP.NET Core continues from the
    /// client's W3C <c>traceparent</c> header) is kept as the parent of the session's CONNECTs and the link of its events.
    /// </summary>
    public static void OnConnectionOpened(EngineIOSocket socket)
    {
        if (s_source.HasListeners() && Activity.Current is { } request)
        {
            socket.Items[s_handshakeKey] = request.Context;
        }
    }

    /// <summary>
    /// The activity of a namespace CONNECT (its middlewares and the queuing of its connection handlers), a child of
    /// the handshake request's activity; null when nothing listens.
    /// </summary>
    public static Activity? StartConnect(EngineIOSocket engine, SocketIONamespace ns)
    {
        if (!s_source.HasListeners())
        {
            return null;
        }

        var tag = SocketIOServerMetrics.NamespaceTag(ns);
        var activity = s_source.StartActivity("socketio.connect " + (string)tag.Value!, ActivityKind.Server, HandshakeContext(engine));
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(tag.Key, tag.Value);
            activity.SetTag("engineio.transport", engine.Transport == EngineIOTransport.WebSocket ? "websocket" : "polling");
        }

        return activity;
    }

    /// <summary>Runs an event's middlewares and handlers, inside an activity when something listens.</summary>
    public static ValueTask DispatchAsync(SocketIOSocket socket, SocketIOEventContext context) =>
        s_source.HasListeners() ? TracedDispatchAsync(socket, context) : socket.DispatchAsync(context);

    private static async ValueTask TracedDispatchAsync(SocketIOSocket socket, SocketIOEventContext context)
    {
        // A root, not a child of whatever is ambient: on WebSocket that is the request carrying the whole connection,
        // which would make hours of events one trace. The handshake is linked instead. (Changed only inside this
        // async method: the caller's Activity.Current is untouched.)
        Activity.Current = null;
        var handshake = HandshakeContext(socket.Connection);
        ActivityLink[]? links = handshake == default ? null : [new ActivityLink(handshake)];
        var tag = SocketIOServerMetrics.NamespaceTag(socket.Namespace);
        var declared = socket.DeclaresEvent(context.EventName);

        // Only a name the application registered a handler for may name the span (a bounded set); any other stays a tag.
        var name = declared ? $"socketio.event {(string)tag.Value!} {context.EventName}" : "socketio.event " + (string)tag.Value!;
        using var activity = s_source.StartActivity(name, ActivityKind.Consumer, parentContext: default, links: links);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(tag.Key, tag.Value);
            activity.SetTag("socketio.event.name", context.EventName.Length <= MaxEventNameTagLength ? context.EventName : context.EventName[..MaxEventNameTagLength]);
            activity.SetTag("socketio.event.declared", declared);
        }

        try
        {
            await socket.DispatchAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.AddException(ex);
            throw;
        }
    }

    private static ActivityContext HandshakeContext(EngineIOSocket engine) =>
        engine.Items.TryGetValue(s_handshakeKey, out var context) && context is ActivityContext value ? value : default;
}
