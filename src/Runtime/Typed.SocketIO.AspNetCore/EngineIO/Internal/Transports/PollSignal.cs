namespace Typed.EngineIO.Internal.Transports;

/// <summary>What releases a pending long-polling GET.</summary>
internal enum PollSignal
{
    /// <summary>Packets are queued (or a server close is ready to be told).</summary>
    Data,
    /// <summary>Answer <c>6</c>: during an upgrade, or after the client's own close packet.</summary>
    Noop,
    /// <summary>Answer <c>1</c>: the session is gone.</summary>
    Close,
}
