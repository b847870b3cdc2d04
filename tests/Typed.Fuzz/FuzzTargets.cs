using System.Diagnostics.CodeAnalysis;

namespace Typed.Fuzz;

/// <summary>The fuzz targets by name: one per decoder the network reaches.</summary>
internal static class FuzzTargets
{
    private static readonly Dictionary<string, Action<byte[]>> s_targets = new(StringComparer.Ordinal)
    {
        ["eio-packet"] = EngineIOTargets.Packet,
        ["eio-payload"] = EngineIOTargets.Payload,
        ["sio-json"] = SocketIOTargets.Json,
        ["sio-msgpack"] = SocketIOTargets.MessagePack,
        ["handshake"] = HandshakeTarget.Run,
        ["websocket"] = WebSocketTarget.Run,
    };

    public static IEnumerable<string> Names => s_targets.Keys;

    public static bool TryGet(string name, [NotNullWhen(true)] out Action<byte[]>? target) => s_targets.TryGetValue(name, out target);
}
