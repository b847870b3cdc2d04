namespace Typed.SocketIO.Protocol;

/// <summary>What one Engine.IO message did to an <see cref="ISocketIODecoder"/>.</summary>
public enum SocketIODecodeStatus
{
    /// <summary>A whole packet is ready.</summary>
    Packet,
    /// <summary>A binary packet is waiting for more attachments.</summary>
    NeedMore,
    /// <summary>The input broke the protocol; the connection must close. The decoder has been reset.</summary>
    Error,
}
