namespace Typed.SocketIO.Protocol;

/// <summary>
/// A packet ready to be written by any transport. Text packets hold their full encoded form (type character
/// included), so a WebSocket sends them as one frame and a polling payload copies them as they are; binary messages
/// hold the raw bytes (a binary frame, or <c>b&lt;base64&gt;</c> in a payload). The bytes are immutable once queued:
/// a broadcast encodes a packet once and queues the same memory on every recipient.
/// </summary>
public readonly struct EngineIOOutgoingPacket
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

    /// <summary>True for a binary message; false for a text packet.</summary>
    public bool IsBinary { get; }

    /// <summary><c>2</c>: the server's heartbeat ping.</summary>
    public static EngineIOOutgoingPacket Ping => new(s_ping, false);
    /// <summary><c>3</c>: the answer to a ping.</summary>
    public static EngineIOOutgoingPacket Pong => new(s_pong, false);
    /// <summary><c>2probe</c>: the client's first packet on a WebSocket that is to replace polling.</summary>
    public static EngineIOOutgoingPacket PingProbe => new(s_pingProbe, false);
    /// <summary><c>3probe</c>: the server's answer to <c>2probe</c>.</summary>
    public static EngineIOOutgoingPacket PongProbe => new(s_pongProbe, false);
    /// <summary><c>6</c>: no operation; ends a pending poll during an upgrade.</summary>
    public static EngineIOOutgoingPacket Noop => new(s_noop, false);
    /// <summary><c>1</c>: the session is closing.</summary>
    public static EngineIOOutgoingPacket Close => new(s_close, false);
    /// <summary><c>5</c>: the client switches to the probed WebSocket.</summary>
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
