namespace Typed.SocketIO.Protocol.Internal;

/// <summary>The kinds of MessagePack token <see cref="MessagePackSpanReader"/> reports.</summary>
internal enum MessagePackTokenKind : byte
{
    Nil,
    False,
    True,
    /// <summary>Any integer format whose value fits a <see cref="long"/>: <see cref="MessagePackToken.Integer"/>.</summary>
    Integer,
    /// <summary>A <c>uint 64</c> above <see cref="long.MaxValue"/>: <see cref="MessagePackToken.UnsignedInteger"/>.</summary>
    UnsignedInteger,
    Float32,
    Float64,
    String,
    Binary,
    Array,
    Map,
    Extension,
}
