namespace Typed.SocketIO.Contracts;

/// <summary>
/// One peer that can carry streams (<c>IAsyncEnumerable&lt;T&gt;</c> contract methods, docs/streaming.md): it emits the
/// stream's events, receives the other side's, and says when its connection ends so both ends of a stream stop. The
/// server socket and the client socket implement it; a room or a remote socket does not (a stream has one consumer).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketIOStreamPeer : ISocketIOPeer, ISocketIOEventSource
{
    /// <summary>
    /// Cancelled when the current connection closes; already cancelled while disconnected. A client socket that
    /// reconnects has a new token: streams do not survive a reconnection.
    /// </summary>
    CancellationToken ConnectionClosed { get; }

    /// <summary>
    /// How many items this side lets a producer send ahead of what it has consumed (the credit it grants): the server's
    /// <c>SocketIOOptions.StreamWindow</c>, the client's <c>SocketIOClientSocketOptions.StreamWindow</c>.
    /// </summary>
    int StreamWindow { get; }

    /// <summary>
    /// A stream this side produced failed: its iterator threw (the consumer got a <c>handler_error</c> without the
    /// details). The server logs it (<c>Typed.SocketIO</c> event 117, Error, with the stack trace, as for a handler that
    /// threw); the client reports it as it reports a handler that threw.
    /// </summary>
    void ReportStreamFailure(string eventName, Exception exception);
}
