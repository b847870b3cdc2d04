namespace Typed.SocketIO;

/// <summary>The socket disconnected while an acknowledgement was awaited ("socket has been disconnected").</summary>
public sealed class SocketIODisconnectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketIODisconnectedException()
        : base("socket has been disconnected")
    {
    }
}
