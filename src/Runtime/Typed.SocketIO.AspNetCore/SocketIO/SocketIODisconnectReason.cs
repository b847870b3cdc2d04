namespace Typed.SocketIO;

/// <summary>Why a socket left its namespace, as the reference server names it (see <see cref="SocketIODisconnectReasonExtensions.ToWireString"/>).</summary>
public enum SocketIODisconnectReason
{
    /// <summary>The Engine.IO transport failed (<c>transport error</c>).</summary>
    TransportError,
    /// <summary>The client closed the connection (<c>transport close</c>).</summary>
    TransportClose,
    /// <summary>The server closed the Engine.IO connection, e.g. after an invalid packet (<c>forced close</c>).</summary>
    ForcedClose,
    /// <summary>The client stopped answering pings (<c>ping timeout</c>).</summary>
    PingTimeout,
    /// <summary>The client sent an undecodable Engine.IO packet (<c>parse error</c>).</summary>
    ParseError,
    /// <summary>The server is shutting down (<c>server shutting down</c>).</summary>
    ServerShuttingDown,
    /// <summary>The server disconnected the socket and closed its connection (<c>forced server close</c>).</summary>
    ForcedServerClose,
    /// <summary>The client left the namespace (<c>client namespace disconnect</c>).</summary>
    ClientNamespaceDisconnect,
    /// <summary>The server disconnected the socket from the namespace (<c>server namespace disconnect</c>).</summary>
    ServerNamespaceDisconnect,
}
