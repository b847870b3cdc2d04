namespace Typed.EngineIO.Internal.Transports;

/// <summary>
/// One way of carrying an <see cref="EngineIOSession"/> to its client, as engine.io's <c>Transport</c>. The session
/// owns the state machine, the heartbeat and the outbox; a transport writes what the session has queued when it
/// can (<see cref="Flush_Locked"/>) and reports what it receives and how it ends (<see cref="OnPacketAsync"/>,
/// <see cref="OnClose"/>). The <c>_Locked</c> members are called with the session's <see cref="EngineIOSession.Gate"/>
/// held, and the transport's own mutable fields are guarded by that same lock: one lock per session, never two.
/// </summary>
internal abstract class EngineIOTransportBase(EngineIOSession session)
{
    /// <summary>The session this transport carries, or is probing to carry.</summary>
    public EngineIOSession Session { get; } = session;

    /// <summary>The transport's name, as the <c>transport</c> query parameter spells it.</summary>
    public abstract EngineIOTransport Name { get; }

    /// <summary>Whether the session may move from this transport to a WebSocket (engine.io's upgrade).</summary>
    public virtual bool CanUpgrade => false;

    /// <summary>
    /// Whether a packet queued now goes out at once; a volatile send is dropped otherwise.
    /// </summary>
    public abstract bool IsWritable_Locked { get; }

    /// <summary>
    /// The session's outbox has packets, or the session is closing or closed: write them now if the transport can,
    /// otherwise the next write opportunity (GET, writer loop) takes them.
    /// </summary>
    public abstract void Flush_Locked();

    /// <summary>
    /// The session closed for <paramref name="reason"/> (anything but a server close, which is flushed): tell the
    /// client the way this transport can, or cut the connection.
    /// </summary>
    /// <param name="reason">Why the session closed.</param>
    /// <param name="closeFrameSent">The transport has already written its own close (a WebSocket close frame).</param>
    public abstract void Close_Locked(EngineIOCloseReason reason, bool closeFrameSent);

    /// <summary>
    /// The session no longer goes through this transport: the upgrade replaced it, or it was a probe that failed.
    /// </summary>
    public abstract void Discard_Locked();

    /// <summary>
    /// A WebSocket probing to replace this transport has answered <c>3probe</c>: release whatever request the client
    /// is waiting on, so it pauses and sends <c>5</c>. Transports that hold no request open have nothing to release.
    /// </summary>
    public virtual void OnUpgradeProbed_Locked()
    {
    }

    /// <summary>
    /// Whether the closed session must stay known for a moment because this transport still owes the client an
    /// answer (a polling GET racing the client's close packet).
    /// </summary>
    public virtual bool AnswersAfterClose_Locked => false;

    /// <summary>The grace after the close is over: whatever was owed is no longer answered.</summary>
    public virtual void ForgetAnswerAfterClose_Locked()
    {
    }

    /// <summary>
    /// The session's outbox is empty and <paramref name="packet"/> is the next thing to send: when the transport can
    /// write it at once from the caller's thread (an idle WebSocket writer and a broadcast's shared frame), it takes
    /// the writer and returns true; the session then calls <see cref="WriteDirect"/> outside its lock. Packets queued
    /// meanwhile wait in the outbox for the writer, so order is kept.
    /// </summary>
    public virtual bool TryBeginDirectWrite_Locked(in EngineIOOutgoingPacket packet) => false;

    /// <summary>Writes the packet <see cref="TryBeginDirectWrite_Locked"/> accepted, then gives the writer back.</summary>
    public virtual void WriteDirect(in EngineIOOutgoingPacket packet) =>
        throw new InvalidOperationException("This transport has no direct write.");

    /// <summary>Raised for each packet the client sent on this transport.</summary>
    /// <returns>False when the packet ended the session.</returns>
    protected ValueTask<bool> OnPacketAsync(EngineIOPacket packet) => Session.OnPacketAsync(packet);

    /// <summary>
    /// Raised when the connection ends or the client breaks the protocol: the session closes for
    /// <paramref name="reason"/>, if this transport still carries it (see <see cref="EngineIOSession.CloseCore"/>).
    /// </summary>
    protected void OnClose(EngineIOCloseReason reason, bool closeFrameSent = false) => Session.CloseCore(reason, closeFrameSent, from: this);
}
