using System.Diagnostics;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// samples/ConformanceServer run as its own process with <c>--redis</c> (the build beside this assembly): a Typed
/// member that can be killed outright (SIGKILL), which an in-process <see cref="ClusterTypedMember"/> cannot.
/// </summary>
internal sealed class ClusterProcessMember : IAsyncDisposable
{
    private const string Marker = "Conformance server listening on ";
    private readonly Process _process;

    private ClusterProcessMember(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<ClusterProcessMember> StartAsync(string redis, string parser, string mode = "classic")
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ConformanceServer.dll"), "--port", "0", "--redis", redis, "--redis-mode", mode, "--parser", parser })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) =>
        {
            // "Conformance server listening on http://127.0.0.1:41234 (…)": the port Kestrel picked for --port 0.
            if (e.Data is { } line && line.StartsWith(Marker, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[Marker.Length..].Split(' ')[0]);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"ConformanceServer exited with code {process.ExitCode} before listening."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new ClusterProcessMember(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

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
