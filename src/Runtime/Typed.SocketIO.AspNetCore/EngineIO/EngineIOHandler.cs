namespace Typed.EngineIO;

/// <summary>
/// Receives the life of every session on an Engine.IO endpoint. Calls for one session never overlap and arrive in
/// order: opened, each message in arrival order, closed. A slow handler slows down only its own session.
/// </summary>
public abstract class EngineIOHandler
{
    /// <summary>A session has opened; the handshake has been sent.</summary>
    public virtual ValueTask OnOpenedAsync(EngineIOSocket socket) => ValueTask.CompletedTask;

    /// <summary>A message arrived. Its data is valid only until the returned task completes.</summary>
    public abstract ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message);

    /// <summary>The session has closed, for <paramref name="reason"/>.</summary>
    public virtual ValueTask OnClosedAsync(EngineIOSocket socket, EngineIOCloseReason reason) => ValueTask.CompletedTask;

    /// <summary>The session moved from polling to WebSocket (for the Socket.IO server's instruments; not public API).</summary>
    internal virtual void OnUpgraded(EngineIOSocket socket)
    {
    }

    /// <summary>
    /// Whether new sessions may open: false once the Socket.IO server was closed (<c>io.CloseAsync()</c>), and the
    /// endpoint then refuses handshakes (not public API).
    /// </summary>
    internal virtual bool AcceptsSessions => true;
}
