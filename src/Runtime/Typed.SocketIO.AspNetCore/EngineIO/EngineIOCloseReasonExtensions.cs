namespace Typed.EngineIO;

/// <summary>Conversions for <see cref="EngineIOCloseReason"/>.</summary>
public static class EngineIOCloseReasonExtensions
{
    /// <summary>The reason as the JavaScript reference names it (e.g. <c>"ping timeout"</c>).</summary>
    public static string ToWireString(this EngineIOCloseReason reason) => reason switch
    {
        EngineIOCloseReason.ForcedClose => "forced close",
        EngineIOCloseReason.TransportClose => "transport close",
        EngineIOCloseReason.TransportError => "transport error",
        EngineIOCloseReason.PingTimeout => "ping timeout",
        EngineIOCloseReason.ParseError => "parse error",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
