using System.Globalization;
using Typed.SocketIO;

namespace Typed.Interop.Tests;

/// <summary>
/// The pong deadline of servers in tests that are not about the heartbeat. The interop application's own is 200 ms
/// (the conformance suites expect it), and a client or server process stalled longer than that on a loaded machine
/// was timed out in the middle of such tests: 3 of 166 client tests once beside a build, and a stock-client comparison
/// against Node's socket.io beside a fuzzer (the reference dropped the session, a round trip timed out). Pings still
/// come every 300 ms, so the heartbeat itself is still exercised.
/// </summary>
internal static class TolerantHeartbeat
{
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The same deadline for tests/js/sio-reference-server.mjs.</summary>
    public static string[] NodeArguments => ["--ping-timeout", ((long)PingTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)];

    public static void Apply(SocketIOOptions options) => options.EngineIO.PingTimeout = PingTimeout;
}
