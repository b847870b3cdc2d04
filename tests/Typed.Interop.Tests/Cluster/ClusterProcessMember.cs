using System.Diagnostics;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// samples/ConformanceServer run as its own process with <c>--redis</c> (the build beside this assembly): a Typed
/// member that can be killed outright (SIGKILL), which an in-process <see cref="ClusterTypedMember"/> cannot.
/// </summary>
internal sealed class ClusterProcessMember(Process process, string baseUrl) : ClusterMemberProcess(process)
{
    private const string Marker = "Conformance server listening on ";

    public string BaseUrl { get; } = baseUrl;

    public static async Task<ClusterProcessMember> StartAsync(string redis, string parser, string mode = "classic")
    {
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Start("dotnet", AppContext.BaseDirectory, [Path.Combine(AppContext.BaseDirectory, "ConformanceServer.dll"), "--port", "0", "--redis", redis, "--redis-mode", mode, "--parser", parser]);
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
}
