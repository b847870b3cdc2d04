namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// The servers a chaos run ends on, as <see cref="ChaosEnding"/> needs them: one in-memory host or the members of a
/// cluster. <paramref name="Present"/> gives the ids of the sockets in namespace <c>/</c>'s rooms now (on every
/// server), <paramref name="Emit"/> broadcasts one numbered packet, <paramref name="IsConnected"/> says whether some
/// server has a connected socket with that id, <paramref name="Describe"/> says what the clients and servers see.
/// </summary>
internal sealed record ChaosTarget(Func<HashSet<string>> Present, Action<int> Emit, Func<string, bool> IsConnected, Func<IReadOnlyList<TickRecorder>, string> Describe)
{
    /// <summary>One in-memory host: its namespace <c>/</c>, packets as <c>tick</c>.</summary>
    public static ChaosTarget For(SocketIOHost host) => new(
        () => host.Server.Of("/").Adapter.GetSockets([]).ToHashSet(StringComparer.Ordinal),
        n => host.Server.Emit("tick", n),
        id => host.Server.Of("/").TryGetSocket(id, out var socket) && socket.Connected,
        recorders => ChaosDiagnostics.Describe(host, recorders));
}
