namespace Typed.SocketIO;

/// <summary>Bounds on what a peer may make a parser hold or walk. Every value has a safe default.</summary>
public sealed class SocketIOParserLimits
{
    /// <summary>Most binary attachments per packet. Default 10, as socket.io-parser.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Deepest JSON or MessagePack nesting accepted; deeper closes the connection. Default 64.</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Longest namespace name accepted. Default 256.</summary>
    public int MaxNamespaceLength { get; set; } = 256;

    /// <summary>Most bytes a packet's attachments may add up to while it is reassembled. Default 1e6.</summary>
    public long MaxAttachmentBytes { get; set; } = 1_000_000;

    /// <summary>
    /// Most elements one MessagePack array, or entries one map, may declare. Default 10 000. Headers are never used to
    /// pre-size anything; the cap bounds how long a peer can make the decoder walk one container.
    /// </summary>
    public int MaxContainerElements { get; set; } = 10_000;

    internal static SocketIOParserLimits Default { get; } = new();
}
