namespace Typed.EngineIO;

/// <summary>Why an Engine.IO session closed. <see cref="EngineIOCloseReasonExtensions.ToWireString"/> gives the reference server's wording.</summary>
public enum EngineIOCloseReason
{
    /// <summary>The server closed the session (<c>forced close</c>).</summary>
    ForcedClose,
    /// <summary>The peer closed the transport or sent a close packet (<c>transport close</c>).</summary>
    TransportClose,
    /// <summary>The transport failed or the peer broke the protocol rules (<c>transport error</c>).</summary>
    TransportError,
    /// <summary>No pong arrived within the ping timeout (<c>ping timeout</c>).</summary>
    PingTimeout,
    /// <summary>The peer sent a packet that could not be decoded (<c>parse error</c>).</summary>
    ParseError,
}
