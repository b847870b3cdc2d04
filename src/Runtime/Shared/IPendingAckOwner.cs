namespace Typed.SocketIO.Internal;

/// <summary>Who keeps the table of acknowledgements awaited: told when one times out, so its entry goes away.</summary>
internal interface IPendingAckOwner
{
    void RemoveAck(long id, PendingAck expected);

    /// <summary>An acknowledgement started to be awaited (its timer started): for the acks-pending instrument.</summary>
    void OnAckStarted()
    {
    }

    /// <summary>A wait counted by <see cref="OnAckStarted"/> ended: answered, failed, cancelled, or timed out.</summary>
    void OnAckEnded(bool timedOut)
    {
    }
}
