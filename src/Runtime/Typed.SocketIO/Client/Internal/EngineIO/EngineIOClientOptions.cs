namespace Typed.SocketIO.Client.Internal;

/// <summary>How an <see cref="EngineIOClient"/> reaches its server. Defaults match engine.io-client 6.x.</summary>
internal sealed class EngineIOClientOptions
{
    /// <summary>The endpoint path; a trailing slash is added as the JavaScript client does. Default <c>/engine.io/</c>.</summary>
    public string Path { get; set; } = "/engine.io/";

    /// <summary>Open on polling and upgrade, or use only one transport. Default both, polling first.</summary>
    public bool UsePolling { get; set; } = true;

    /// <summary>Whether the WebSocket transport may be used (directly, or by upgrading).</summary>
    public bool UseWebSocket { get; set; } = true;

    /// <summary>Upgrade a polling session to WebSocket when the server offers it. Default true.</summary>
    public bool Upgrade { get; set; } = true;

    /// <summary>Extra query parameters sent with every request.</summary>
    public IDictionary<string, string> Query { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra headers sent with every request (polling and the WebSocket handshake).</summary>
    public IDictionary<string, string> ExtraHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The handler polling requests and the WebSocket handshake go through (proxy, certificates…); null for a default one.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>A proxy for both transports when no <see cref="HttpMessageHandler"/> is given.</summary>
    public System.Net.IWebProxy? Proxy { get; set; }

    /// <summary>How long the open may take before it fails with <c>timeout</c>. Default 20 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The largest WebSocket message or polling response the server may send, in bytes; more closes the session with
    /// <c>parse error</c> before it is buffered. Default 100 MiB (the Node <c>ws</c> client's <c>maxPayload</c>).
    /// </summary>
    public long MaxIncomingMessageBytes { get; set; } = SocketIOClientOptions.DefaultMaxIncomingMessageBytes;

    /// <summary>How long the server has to answer the upgrade probe. Default 10 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
