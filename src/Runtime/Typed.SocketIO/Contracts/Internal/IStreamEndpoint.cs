namespace Typed.SocketIO.Contracts.Internal;

/// <summary>One end of a stream in a <see cref="SocketStreamTable"/>: what the other end's control events do to it.</summary>
internal interface IStreamEndpoint
{
    /// <summary>Handles a received stream event (<c>$stream</c>, <c>$stream-end</c>, <c>$stream-ack</c> or <c>$stream-cancel</c>).</summary>
    void OnEvent(string eventName, SocketIOArguments arguments);
}
