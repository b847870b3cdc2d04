namespace Typed.SocketIO.Internal;

/// <summary>What <see cref="SocketEventDispatcher{T}.TryEnqueue"/> did with an item.</summary>
internal enum EventEnqueueResult
{
    /// <summary>Started or queued.</summary>
    Accepted,

    /// <summary>Refused: the dispatcher was closed (its socket left).</summary>
    Closed,

    /// <summary>Refused: as many items already wait to start as the dispatcher holds.</summary>
    TooManyQueued,

    /// <summary>Refused: the socket's events not yet finished would pass its byte bound.</summary>
    TooManyBytes,

    /// <summary>Refused: the connection's events not yet finished would pass its shared byte bound.</summary>
    TooManyConnectionBytes,
}
