namespace Typed.SocketIO;

/// <summary>Who a broadcast reaches and how: what <c>To</c>, <c>Except</c>, <c>Volatile</c>, <c>Local</c> and <c>Compress</c> set.</summary>
public readonly struct SocketIOBroadcastOptions
{
    /// <summary>The rooms to reach; empty means every socket of the namespace.</summary>
    public IReadOnlyCollection<string> Rooms { get; init; }

    /// <summary>Sockets in any of these rooms are left out (a socket id is a room too).</summary>
    public IReadOnlyCollection<string> Except { get; init; }

    /// <summary>Drop the packet for recipients whose transport cannot take it right now.</summary>
    public bool Volatile { get; init; }

    /// <summary>Only this server's sockets (meaningful with a multi-server adapter).</summary>
    public bool Local { get; init; }

    /// <summary>Whether the packet may be compressed (kept for API parity; compression is not negotiated).</summary>
    public bool Compress { get; init; }

    /// <summary>For a broadcast with acknowledgements, how long the recipients' answers are awaited.</summary>
    public TimeSpan AckTimeout { get; init; }
}
