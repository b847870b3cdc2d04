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

    /// <summary>A switch rather than a lookup in <see cref="EventNames"/>: the runtime asks this for every received event.</summary>
    public static bool IsReservedEventName(string name) => name switch
    {
        Connect or ConnectError or Disconnect or Disconnecting or NewListener or RemoveListener => true,
        _ => false,
    };
}
