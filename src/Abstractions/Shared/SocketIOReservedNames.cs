// Compiled into both the generator (netstandard2.0) and the runtime, so the names a contract may not use at compile
// time are exactly those the runtime refuses on the wire. Not part of Typed.Abstractions' own compilation.
#nullable enable

namespace Typed.Shared;

/// <summary>Event names the Socket.IO protocol reserves for its own notices.</summary>
internal static class SocketIOReservedNames
{
    public const string Connect = "connect";
    public const string ConnectError = "connect_error";
    public const string Disconnect = "disconnect";
    public const string Disconnecting = "disconnecting";
    public const string NewListener = "newListener";
    public const string RemoveListener = "removeListener";

    /// <summary>Every reserved name, in the order messages list them.</summary>
    public static System.Collections.Generic.IReadOnlyList<string> EventNames { get; } = new[] { Connect, ConnectError, Disconnect, Disconnecting, NewListener, RemoveListener };

    /// <summary>Typed's stream convention (docs/streaming.md): an item, from the producer.</summary>
    public const string StreamItem = "$stream";

    /// <summary>The end of a stream, with an optional error, from the producer.</summary>
    public const string StreamEnd = "$stream-end";

    /// <summary>Credit for more items, from the consumer.</summary>
    public const string StreamAck = "$stream-ack";

    /// <summary>The consumer stops the stream.</summary>
    public const string StreamCancel = "$stream-cancel";

    /// <summary>
    /// The events of the stream convention. Not reserved by Socket.IO, so the runtime sends them as ordinary events,
    /// but a contract may not use them: its handler would receive the stream traffic.
    /// </summary>
    public static System.Collections.Generic.IReadOnlyList<string> StreamEventNames { get; } = new[] { StreamItem, StreamEnd, StreamAck, StreamCancel };

    /// <summary>Whether <paramref name="name"/> is one of <see cref="StreamEventNames"/>.</summary>
    public static bool IsStreamEventName(string name) => name switch
    {
        StreamItem or StreamEnd or StreamAck or StreamCancel => true,
        _ => false,
    };

    /// <summary>A switch rather than a lookup in <see cref="EventNames"/>: the runtime asks this for every received event.</summary>
    public static bool IsReservedEventName(string name) => name switch
    {
        Connect or ConnectError or Disconnect or Disconnecting or NewListener or RemoveListener => true,
        _ => false,
    };
}
