using System.Collections.Concurrent;
using System.Diagnostics;

namespace Typed.Interop.Tests;

/// <summary>A Node reference server from tests/js (e.g. sio-reference-server.mjs) on a random loopback port.</summary>
internal sealed class NodeServer : IAsyncDisposable
{
    private readonly Process _process;

    private NodeServer(Process process, string baseUrl, ConcurrentQueue<string> events)
    {
        _process = process;
        BaseUrl = baseUrl;
        Events = events;
    }

    public string BaseUrl { get; }

    /// <summary>The JSON of each <c>EVENT</c> line the server wrote to stderr.</summary>
    public ConcurrentQueue<string> Events { get; }

    public static Task<NodeServer> StartAsync(string script, params string[] arguments) => StartOnPortAsync(script, 0, arguments);

    /// <summary>Starts <paramref name="script"/> on <paramref name="port"/> (0 for any): a fixed port restarts a server where it was.</summary>
    public static async Task<NodeServer> StartOnPortAsync(string script, int port, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeScript.ScriptsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var events = new ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("EVENT ", StringComparison.Ordinal))
            {
                events.Enqueue(line["EVENT ".Length..]);
            }
        };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"node {script} did not report its port (got '{line}').");
        }

        return new NodeServer(process, "http://127.0.0.1:" + line["listening ".Length..].Trim(), events);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
