namespace Typed.SocketIO.Protocol.Internal;

/// <summary>What the transcoder saw of the top-level value, for the packet-shape checks.</summary>
internal struct TranscodedShape
{
    /// <summary>The kind of the top-level token (an <c>undefined</c> root is reported as <see cref="IsUndefined"/>).</summary>
    public MessagePackTokenKind RootKind;

    /// <summary>The top-level value was notepack's <c>undefined</c>: the key counts as absent.</summary>
    public bool IsUndefined;

    /// <summary>The root array's length.</summary>
    public uint RootCount;

    /// <summary>The root array's first element's kind, when it has one.</summary>
    public MessagePackTokenKind FirstKind;

    /// <summary>The first element's UTF-8 bytes in the message, when it is a string.</summary>
    public int FirstOffset;
    public int FirstLength;

    /// <summary>The first element's JSON text in the output, when it is a number.</summary>
    public int FirstJsonStart;
    public int FirstJsonEnd;
}
