using System.Diagnostics;

namespace Typed.Browser.Tests;

/// <summary>
/// samples/Chat/Chat.Server run as its own process (<c>dotnet Chat.Server.dll</c>, the build beside this assembly)
/// with the command line docs/redis.md gives, <c>--port 0</c> so Kestrel picks a free port.
/// </summary>
internal sealed class ChatServerProcess : IAsyncDisposable
{
    private const string Marker = "Chat server listening on ";
    private readonly Process _process;

    private ChatServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<ChatServerProcess> StartAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "Chat.Server.dll"), "--port", "0", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new System.Text.StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) =>
        {
            // "Chat server listening on http://127.0.0.1:41234 (…)": the port Kestrel picked.
            if (e.Data is { } line && line.StartsWith(Marker, StringComparison.Ordinal))
            {
                listening.TrySetResult(line[Marker.Length..].Split(' ')[0]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            lock (stderr)
            {
                listening.TrySetException(new InvalidOperationException($"Chat.Server exited with code {process.ExitCode} before listening: {stderr}"));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new ChatServerProcess(process, await listening.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
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
