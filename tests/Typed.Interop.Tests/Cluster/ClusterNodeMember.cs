using System.Diagnostics;

namespace Typed.Interop.Tests.Cluster;

/// <summary>tests/js/cluster-member.mjs: a Node socket.io 4.8 member with @socket.io/redis-adapter, stoppable (SIGSTOP).</summary>
internal sealed class ClusterNodeMember : IAsyncDisposable
{
    private readonly Process _process;

    private ClusterNodeMember(Process process, string port)
    {
        _process = process;
        Port = port;
    }

    public string Port { get; }

    public string BaseUrl => "http://127.0.0.1:" + Port;

    public static async Task<ClusterNodeMember> StartAsync(string redis, string parser, string mode = "classic", bool recovery = false)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeScript.ScriptsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "cluster-member.mjs", "0", "--redis", redis, "--redis-mode", mode, "--parser", parser }.Concat(recovery ? ["--recovery"] : []))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"cluster-member.mjs did not report its port (got '{line}').");
        }

        return new ClusterNodeMember(process, line["listening ".Length..].Trim());
    }

    /// <summary>Freezes the process: it keeps its Redis subscriptions (so it is still counted) and answers nothing.</summary>
    public Task StopAnsweringAsync() => ChildProcess.RunAsync("kill", ["-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));

    /// <summary>Kills the process (SIGKILL): no shutdown, the kernel closes its sockets, Redis' included.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
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
