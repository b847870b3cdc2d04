namespace Typed.SocketIO.Protocol;

/// <summary>Constants of the Engine.IO v4 wire protocol.</summary>
public static class EngineIOProtocol
{
    /// <summary>The only protocol revision served: the value of the <c>EIO</c> query parameter.</summary>
    public const string Version = "4";

    /// <summary>The record separator (0x1E) that joins packets in a long-polling payload.</summary>
    public const byte RecordSeparator = 0x1E;

    /// <summary>Prefix of a base64-encoded binary message inside a text payload or text frame.</summary>
    public const byte BinaryPrefix = (byte)'b';

    /// <summary>The data of the upgrade probe packets (<c>2probe</c>, <c>3probe</c>).</summary>
    public static ReadOnlySpan<byte> ProbeData => "probe"u8;
}
