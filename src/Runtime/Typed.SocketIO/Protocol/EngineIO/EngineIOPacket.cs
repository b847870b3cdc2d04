namespace Typed.SocketIO.Protocol;

/// <summary>
/// A decoded Engine.IO packet. <see cref="Data"/> points into the buffer it was decoded from, so it is valid
/// only while that buffer is: consume it before the receive call that produced it returns.
/// </summary>
public readonly struct EngineIOPacket(EngineIOPacketType type, ReadOnlyMemory<byte> data, bool isBinary)
{
    /// <summary>The packet type (the first character of a text packet; always message for binary).</summary>
    public EngineIOPacketType Type { get; } = type;

    /// <summary>For a text packet, the UTF-8 data after the type character; for a binary message, the raw bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;

    /// <summary>True for a binary <see cref="EngineIOPacketType.Message"/> (a binary frame, or <c>b&lt;base64&gt;</c>).</summary>
    public bool IsBinary { get; } = isBinary;

    /// <summary>True when the data is exactly the ASCII word <c>probe</c> (the upgrade handshake's payload).</summary>
    public bool IsProbe => !IsBinary && Data.Span.SequenceEqual("probe"u8);
}
