namespace Typed.SocketIO.Client;

/// <summary>Options of one namespace's <see cref="SocketIOClientSocket"/>. Defaults match socket.io-client 4.x.</summary>
public sealed class SocketIOClientSocketOptions
{
    /// <summary>
    /// The auth payload sent with every connection to the namespace (the server reads it as
    /// <c>socket.handshake.auth</c>). It must serialize to a JSON object; its type must be known to the client's
    /// <see cref="SocketIOClientOptions.JsonSerializerOptions"/>. Ignored when <see cref="AuthProvider"/> is set.
    /// </summary>
    public object? Auth { get; set; }

    /// <summary>
    /// Produces the auth payload on each connection attempt, reconnections included (a fresh token, say). Its result
    /// follows the rules of <see cref="Auth"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<object?>>? AuthProvider { get; set; }

    /// <summary>
    /// Whether emits made while disconnected are kept and sent, in order, once connected. Default true (as
    /// socket.io-client). When false, emitting while disconnected throws <see cref="SocketIODisconnectedException"/>
    /// instead, so nothing is silently delayed.
    /// </summary>
    public bool BufferWhileDisconnected { get; set; } = true;

    /// <summary>
    /// How many times an emit is sent again when its acknowledgement does not arrive within <see cref="AckTimeout"/>.
    /// Above 0, every emit asks for an acknowledgement and emits are delivered one at a time, in order, at least once
    /// (the server may see a retried event twice). Default 0.
    /// </summary>
    public int Retries { get; set; }

    /// <summary>
    /// The default time to wait for an acknowledgement (each try, with <see cref="Retries"/>) of
    /// <c>EmitWithAckAsync</c> and typed proxies; an emit's own timeout wins. Default 30 s, so a server that never
    /// answers fails the call with <see cref="SocketIOAckTimeoutException"/> instead of leaving it waiting (Typed's
    /// choice: socket.io-client waits forever unless told). Null waits until the acknowledgement arrives or the
    /// socket disconnects.
    /// </summary>
    public TimeSpan? AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many items of a stream this socket consumes (an <c>IAsyncEnumerable&lt;T&gt;</c> contract method) may be in
    /// flight ahead of what it has taken: the credit it grants the producer, and so the most it buffers per stream.
    /// Default 16; docs/streaming.md.
    /// </summary>
    public int StreamWindow { get; set; } = 16;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(StreamWindow, 1, nameof(StreamWindow));
        ArgumentOutOfRangeException.ThrowIfLessThan(Retries, 0, nameof(Retries));
        if (AckTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(AckTimeout));
        }
    }
}
