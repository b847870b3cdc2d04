namespace Typed.SocketIO.Internal;

/// <summary>Who keeps the table of acknowledgements awaited: told when one times out, so its entry goes away.</summary>
internal interface IPendingAckOwner
{
    void RemoveAck(long id, PendingAck expected);
}
