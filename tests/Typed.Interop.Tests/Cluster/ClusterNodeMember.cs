using System.Diagnostics;

namespace Typed.Interop.Tests.Cluster;

/// <summary>tests/js/cluster-member.mjs: a Node socket.io 4.8 member with @socket.io/redis-adapter, stoppable (SIGSTOP).</summary>
internal sealed class ClusterNodeMember(Process process, string port) : ClusterMemberProcess(process)
{
    public string Port { get; } = port;

    public string BaseUrl => "http://127.0.0.1:" + Port;

    public static async Task<ClusterNodeMember> StartAsync(string redis, string parser, string mode = "classic", bool recovery = false)
    {
        var process = Start("node", NodeScript.ScriptsFolder, new[] { "cluster-member.mjs", "0", "--redis", redis, "--redis-mode", mode, "--parser", parser }.Concat(recovery ? ["--recovery"] : []));
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
    public Task StopAnsweringAsync() => ChildProcess.RunAsync("kill", ["-STOP", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
}
