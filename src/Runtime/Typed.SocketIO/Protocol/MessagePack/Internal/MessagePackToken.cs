namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// One MessagePack token header. For strings, binaries and extensions the payload is
/// <see cref="Offset"/>..+<see cref="Length"/> in the reader's buffer (already checked to be inside it); for arrays
/// and maps <see cref="Count"/> is the declared element (or entry) count, not yet checked against anything.
/// </summary>
internal readonly struct MessagePackToken
{
    public MessagePackTokenKind Kind { get; init; }

    /// <summary>The lead byte: tells fixext from ext, and so a notepack Date from an ArrayBuffer.</summary>
    public byte Code { get; init; }

    public long Integer { get; init; }

    public ulong UnsignedInteger { get; init; }

    public double Float { get; init; }

    public int Offset { get; init; }

    public int Length { get; init; }

    public uint Count { get; init; }

    public sbyte ExtensionType { get; init; }
}
