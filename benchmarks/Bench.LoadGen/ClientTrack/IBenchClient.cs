namespace Bench.LoadGen.ClientTrack;

/// <summary>
/// A .NET client library under test in the client track. Adding one is one file: implement this interface (connect to
/// the server's "echo" handler, send the ≈64-byte payload with an acknowledgement) and list it in
/// <see cref="ClientTrackRunner.DotNetClients"/> (TypedBenchClient.cs is an example). The runner measures (a) latency with one request in flight and (b1)
/// throughput with 100 in flight (100 concurrent loops of <see cref="EchoAsync"/>), plus client and server CPU.
/// </summary>
public interface IBenchClient : IAsyncDisposable
{
    /// <summary>Connects over WebSocket to 127.0.0.1:<paramref name="port"/> (the default path of the protocol).</summary>
    Task ConnectAsync(int port, CancellationToken cancellationToken);

    /// <summary>One acknowledged echo of the payload; completes when the reply is back. Called concurrently for (b1).</summary>
    Task EchoAsync(CancellationToken cancellationToken);
}

/// <summary>One client of the track: its label, the system of the server it talks to, and how to make one.</summary>
public sealed record ClientEntry(string Name, string Server, Func<IBenchClient> Create);
