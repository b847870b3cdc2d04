using System.Text.Json;
using Microsoft.Extensions.Logging;
using Typed.EngineIO;

namespace Typed.SocketIO;

/// <summary>Options of the Socket.IO server. Defaults match the reference server unless a safer bound is named.</summary>
public sealed class SocketIOOptions
{
    /// <summary>The Engine.IO options of the endpoint (heartbeat, payload size, transports, CORS origins…).</summary>
    public EngineIOOptions EngineIO { get; } = new();

    /// <summary>How long a connection may stay without joining any namespace before it is closed. Default 45 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(45_000);

    /// <summary>The wire encoding. Default <see cref="SocketIOParser.Json"/>.</summary>
    public SocketIOParser Parser { get; set; } = SocketIOParser.Json;

    /// <summary>
    /// Serializes the arguments of untyped emits. By default it knows strings, numbers, booleans and
    /// <see cref="JsonElement"/>; add your types with <see cref="UseJson"/> (a source-generated
    /// <c>JsonSerializerContext</c>, AOT-safe), or set options that use reflection if you do not publish with NativeAOT.
    /// </summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = SocketIOJson.CreateDefaultOptions();

    /// <summary>Serializes arguments with the types of <paramref name="context"/> as well as the built-in ones.</summary>
    public SocketIOOptions UseJson(System.Text.Json.Serialization.JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        JsonSerializerOptions = SocketIOJson.CreateOptions(context);
        return this;
    }

    /// <summary>Most binary attachments in one packet. Default 10.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Deepest nesting accepted in a packet's data. Default 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Longest namespace name accepted. Default 256.</summary>
    public int MaxNamespaceLength { get; set; } = 256;

    /// <summary>How long a binary packet may wait for its attachments before the connection closes. Default 30 s.</summary>
    public TimeSpan ReassemblyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a server emit (<c>EmitWithAckAsync</c>, a typed proxy, a broadcast with acknowledgements) waits for its
    /// acknowledgement when the call gives no timeout: then it fails with <see cref="SocketIOAckTimeoutException"/>.
    /// Default 30 s. A call's own timeout (<c>timeout</c> parameter, <c>Timeout(…)</c>) wins.
    /// </summary>
    public TimeSpan DefaultAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many items of a stream the server consumes (an <c>IAsyncEnumerable&lt;T&gt;</c> method of a client contract)
    /// may be in flight ahead of what it has taken: the credit it grants the client, and so the most it buffers per
    /// stream. Default 16; docs/streaming.md. (The window of streams the server produces is the client's.)
    /// </summary>
    public int StreamWindow { get; set; } = 16;

    /// <summary>
    /// Whether error acknowledgements and refused connections carry the exception's message. Default false, as
    /// SignalR's <c>EnableDetailedErrors</c>: the client then reads only "An error occurred while handling
    /// '&lt;event&gt;'." (or "Internal error" for a refused connection) and the details stay in the server's log.
    /// Turn it on in development only: exception messages may reveal internals.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>
    /// The level of the one-line log written when a client sends an event whose arguments do not bind (a client's
    /// fault, logged without a stack trace). Default <see cref="LogLevel.Warning"/>. Unknown events are logged at
    /// <see cref="LogLevel.Debug"/>.
    /// </summary>
    public LogLevel ClientErrorLogLevel { get; set; } = LogLevel.Warning;

    /// <summary>
    /// At most one log entry per socket per interval for client-caused errors (binding errors, and separately unknown
    /// events); the next entry says how many were not logged meanwhile. Default 10 s; <see cref="TimeSpan.Zero"/> logs
    /// every one.
    /// </summary>
    public TimeSpan ClientErrorLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most acknowledgements one socket may have outstanding; one more fails at once. Default 1,024.</summary>
    public int MaxPendingAcksPerSocket { get; set; } = 1024;

    /// <summary>
    /// Most handlers of one socket running at once. Events always <em>start</em> in arrival order; a handler that
    /// awaits keeps its slot, and the next events start meanwhile while slots remain. Default unbounded
    /// (<see cref="int.MaxValue"/>), as the Node server dispatches each event as it arrives: a handler that awaits an
    /// acknowledgement from its own client (or retries that client's emits) can never hold back the events and
    /// acknowledgements it waits for. 1 runs one handler at a time, each finishing before the next starts (SignalR's
    /// default); events past the limit then wait in the socket's queue (<see cref="MaxQueuedEventsPerSocket"/>).
    /// </summary>
    public int MaxParallelHandlersPerSocket { get; set; } = int.MaxValue;

    /// <summary>
    /// Most events of one socket waiting for a free handler slot (only with a finite
    /// <see cref="MaxParallelHandlersPerSocket"/>). One more disconnects the socket (the client sees
    /// <c>io server disconnect</c>): the server never stops reading a connection to wait for handlers, because the
    /// acknowledgements and pongs those handlers may wait for arrive on it. Default 1,024.
    /// </summary>
    public int MaxQueuedEventsPerSocket { get; set; } = 1024;

    /// <summary>
    /// Most bytes of one socket's events received and not yet finished, waiting or running: each event counts its
    /// payload and attachments plus 256 bytes. An event that would pass it disconnects the socket (the client sees
    /// <c>io server disconnect</c>), so a slow handler cannot make the server pin what a fast client sends. Default
    /// 4 MiB.
    /// </summary>
    public long MaxQueuedBytesPerSocket { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// The same bound for all the sockets of one connection together (a client can join many namespaces over one
    /// connection). An event that would pass it closes the connection. Default 16 MiB.
    /// </summary>
    public long MaxQueuedBytesPerConnection { get; set; } = 16L * 1024 * 1024;

    /// <summary>Most child namespaces a dynamic namespace may create. Default 1,000.</summary>
    public int MaxChildNamespaces { get; set; } = 1000;

    /// <summary>Remove a dynamic child namespace once its last socket leaves. Default true (the reference keeps them).</summary>
    public bool CleanupEmptyChildNamespaces { get; set; } = true;

    /// <summary>Most rooms one socket may be in (its own id room included). Default 1,000.</summary>
    public int MaxRoomsPerSocket { get; set; } = 1000;

    /// <summary>Longest room name accepted by <c>Join</c>. Default 256.</summary>
    public int MaxRoomNameLength { get; set; } = 256;

    /// <summary>
    /// Connection state recovery; null (the default, as socket.io) turns it off. See
    /// <see cref="SocketIOConnectionStateRecoveryOptions"/>.
    /// </summary>
    public SocketIOConnectionStateRecoveryOptions? ConnectionStateRecovery { get; set; }

    /// <summary>Creates each namespace's adapter; null for <see cref="InMemorySocketIOAdapter"/> (one server).</summary>
    public Func<SocketIONamespace, SocketIOAdapter>? AdapterFactory { get; set; }

    /// <summary>Throws at start-up for a queue bound that could never admit an event.</summary>
    internal void ValidateQueueLimits()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelHandlersPerSocket, 1, nameof(MaxParallelHandlersPerSocket));
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamWindow, 1, nameof(StreamWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedEventsPerSocket, 1, nameof(MaxQueuedEventsPerSocket));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedBytesPerSocket, 1, nameof(MaxQueuedBytesPerSocket));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxQueuedBytesPerConnection, 1, nameof(MaxQueuedBytesPerConnection));
        ConnectionStateRecovery?.Validate();
    }

    internal SocketIOParserLimits CreateParserLimits() => new()
    {
        MaxAttachments = MaxAttachments,
        MaxDepth = MaxDepth,
        MaxNamespaceLength = MaxNamespaceLength,
        MaxAttachmentBytes = EngineIO.MaxHttpBufferSize,
    };
}
