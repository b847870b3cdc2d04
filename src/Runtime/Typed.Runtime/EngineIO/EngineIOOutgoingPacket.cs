namespace Typed.EngineIO;

/// <summary>
/// A packet ready to be written by any transport. Text packets hold their full encoded form (type character
/// included), so a WebSocket sends them as one frame and a polling payload copies them as they are; binary messages
/// hold the raw bytes (a binary frame, or <c>b&lt;base64&gt;</c> in a payload). The bytes are immutable once queued:
/// a broadcast encodes a packet once and queues the same memory on every recipient.
/// </summary>
internal readonly struct EngineIOOutgoingPacket
{
    private static readonly byte[] s_ping = "2"u8.ToArray();
    private static readonly byte[] s_pongProbe = "3probe"u8.ToArray();
    private static readonly byte[] s_pingProbe = "2probe"u8.ToArray();
    private static readonly byte[] s_noop = "6"u8.ToArray();
    private static readonly byte[] s_close = "1"u8.ToArray();
    private static readonly byte[] s_pong = "3"u8.ToArray();
    private static readonly byte[] s_upgrade = "5"u8.ToArray();

    private EngineIOOutgoingPacket(ReadOnlyMemory<byte> encoded, bool isBinary)
    {
        Encoded = encoded;
        IsBinary = isBinary;
    }

    /// <summary>Text: the type character and the data. Binary: the raw message bytes.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    public bool IsBinary { get; }

    public static EngineIOOutgoingPacket Ping => new(s_ping, false);
    public static EngineIOOutgoingPacket Pong => new(s_pong, false);
    public static EngineIOOutgoingPacket PingProbe => new(s_pingProbe, false);
    public static EngineIOOutgoingPacket PongProbe => new(s_pongProbe, false);
    public static EngineIOOutgoingPacket Noop => new(s_noop, false);
    public static EngineIOOutgoingPacket Close => new(s_close, false);
    public static EngineIOOutgoingPacket Upgrade => new(s_upgrade, false);

    /// <summary>A text packet already encoded as <c>&lt;type&gt;&lt;data&gt;</c> in UTF-8.</summary>
    public static EngineIOOutgoingPacket FromEncodedText(ReadOnlyMemory<byte> encoded) => new(encoded, false);

    /// <summary>A binary message carrying <paramref name="bytes"/>.</summary>
    public static EngineIOOutgoingPacket FromBinary(ReadOnlyMemory<byte> bytes) => new(bytes, true);

    /// <summary>Encodes a text message <c>4&lt;text&gt;</c>.</summary>
    public static EngineIOOutgoingPacket FromText(string text)
    {
        var encoded = new byte[1 + System.Text.Encoding.UTF8.GetByteCount(text)];
        encoded[0] = (byte)'4';
        System.Text.Encoding.UTF8.GetBytes(text, encoded.AsSpan(1));
        return new(encoded, false);
    }
}
