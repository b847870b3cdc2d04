using System.Diagnostics;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// A cluster member running as a child process (<see cref="ClusterNodeMember"/>, <see cref="ClusterProcessMember"/>):
/// started with its output redirected, killable outright, killed when disposed.
/// </summary>
internal abstract class ClusterMemberProcess(Process process) : IAsyncDisposable
{
    protected Process Process { get; } = process;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, stdout and stderr redirected.</summary>
    protected static Process Start(string fileName, string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start");
    }

    /// <summary>Kills the process (SIGKILL): no shutdown, the kernel closes its sockets, Redis' included.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        await Process.WaitForExitAsync();
        Process.Dispose();
    }
}
