namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// How a chaos run ends: a last numbered packet that every client must hold before the sessions are checked.
/// <para>
/// A client can still lose its connection after the cuts stop (a cut keep-alive connection is found dead at its next
/// request; on a loaded machine the 300 ms heartbeat expires), and a reconnection the server cannot match with a
/// session it has kept starts a new session (docs/recovery.md, Limits: a long-polling drop the server has not seen
/// yet). A session that began after a packet was sent can never receive it, so waiting for one fixed last packet on
/// every client could wait forever. Instead the last packet is sent in rounds: each round notes which sockets are in
/// the namespace's rooms before its packet is numbered (each of them gets it, live or by replay), and ends when every
/// client is connected and holds the packet, or is connected to a socket the server has now but did not have then; a
/// client of the second kind gets another round. A client whose session was there must hold the packet: nothing is excused.
/// </para>
/// </summary>
internal static class ChaosEnding
{
    private const int MaxRounds = 5;

    /// <summary>Sends packets after <paramref name="previous"/> until every client holds the last one; returns its number.</summary>
    public static Task<int> SendLastPacketAsync(SocketIOHost host, IReadOnlyList<TickRecorder> recorders, int previous) =>
        SendLastPacketAsync(ChaosTarget.For(host), recorders, previous);

    /// <summary>Sends packets after <paramref name="previous"/> until every client holds the last one; returns its number.</summary>
    public static async Task<int> SendLastPacketAsync(ChaosTarget target, IReadOnlyList<TickRecorder> recorders, int previous)
    {
        var last = previous;
        for (var round = 1; round <= MaxRounds; round++)
        {
            var present = target.Present();
            target.Emit(++last);
            foreach (var recorder in recorders)
            {
                recorder.Mark($"round {round}: packet {last} sent");
            }

            // A socket the server has now but did not have when the packet went out joined after it. (A client still
            // connected, as it believes, to a socket the server has dropped is not excused: it is waited for.)
            bool JoinedAfter(TickRecorder r) =>
                r.Socket.Id is { } id && !present.Contains(id) && target.IsConnected(id);

            await WaitAllAsync(target, recorders, r => r.Socket.IsConnected && (r.Contains(last) || JoinedAfter(r)), $"tick {last} on every client whose socket was there for it");
            if (recorders.All(r => r.Contains(last) && r.Socket.IsConnected))
            {
                return last;
            }
        }

        throw new TimeoutException($"After {MaxRounds} rounds some client still started a new session after each last packet.{Environment.NewLine}{target.Describe(recorders)}");
    }

    /// <summary>Waits for <paramref name="condition"/> on every client; on timeout, says what each client and the server see.</summary>
    public static Task WaitAllAsync(SocketIOHost host, IReadOnlyList<TickRecorder> recorders, Func<TickRecorder, bool> condition, string what) =>
        WaitAllAsync(ChaosTarget.For(host), recorders, condition, what);

    /// <summary>Waits for <paramref name="condition"/> on every client; on timeout, says what each client and the servers see.</summary>
    public static async Task WaitAllAsync(ChaosTarget target, IReadOnlyList<TickRecorder> recorders, Func<TickRecorder, bool> condition, string what)
    {
        foreach (var recorder in recorders)
        {
            try
            {
                await recorder.WaitUntilAsync(condition, what, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException timeout)
            {
                throw new TimeoutException($"{timeout.Message}{Environment.NewLine}{target.Describe(recorders)}", timeout);
            }
        }
    }
}
