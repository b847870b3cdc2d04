namespace Typed.EngineIO;

/// <summary>
/// One Engine.IO session, as the application sees it: send text or binary, close, and the session's facts.
/// Messages arrive through the <see cref="EngineIOHandler"/> the endpoint was mapped with. Every member is safe
/// to call from any thread.
/// </summary>
public abstract class EngineIOSocket
{
    private protected EngineIOSocket()
    {
    }

    /// <summary>The state a layer built on this session (Socket.IO) keeps with it, without a dictionary lookup.</summary>
    internal object? ApplicationState { get; set; }

    /// <summary>The session id (<c>sid</c>). Treat it as a secret: it is the only credential of a polling request.</summary>
    public abstract string Id { get; }

    /// <summary>The transport that carries the session now; it changes once if the session upgrades.</summary>
    public abstract EngineIOTransport Transport { get; }

    /// <summary>What the handshake request carried.</summary>
    public abstract EngineIOHandshake Handshake { get; }

    /// <summary>False once the session has closed; sends are then dropped.</summary>
    public abstract bool IsOpen { get; }

    /// <summary>Per-session storage for the application.</summary>
    public abstract IDictionary<object, object?> Items { get; }

    /// <summary>
    /// Signalled when the session closes, for code that is not an <see cref="EngineIOHandler"/>.
    /// </summary>
    public abstract CancellationToken Closed { get; }

    /// <summary>Queues a text message. Messages go out in the order they were queued; dropped once the session has closed.</summary>
    public abstract void Send(string text);

    /// <summary>Queues a binary message; the bytes must not change after the call.</summary>
    public abstract void Send(ReadOnlyMemory<byte> bytes);

    /// <summary>
    /// Queues packets already encoded, together and in order (a Socket.IO packet and its binary attachments). The
    /// packets' memory is queued, not copied, so one encoding can be sent to many sessions; it must not change
    /// after the call. Dropped once the session has closed.
    /// </summary>
    public abstract void Send(ReadOnlySpan<EngineIOOutgoingPacket> packets);

    /// <summary>
    /// Queues packets already encoded, as <see cref="Send(ReadOnlySpan{EngineIOOutgoingPacket})"/>, only if the
    /// transport can write them now: a long-polling GET is waiting, or the WebSocket's writer is idle. Otherwise
    /// they are dropped, all of them, as Socket.IO's volatile emits are.
    /// </summary>
    /// <returns>True when the packets were queued; false when they were dropped, or the session has closed.</returns>
    public abstract bool TrySendVolatile(ReadOnlySpan<EngineIOOutgoingPacket> packets);

    /// <summary>
    /// Closes the session with reason <c>forced close</c>, after the messages already queued are written.
    /// </summary>
    public abstract void Close();
}
