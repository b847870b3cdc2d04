using System.Diagnostics;
using System.Text.Json;

namespace Typed.Browser.Tests;

/// <summary>
/// Runs the chat's .NET console client (samples/Chat/Chat.Client): the NativeAOT binary ./test.sh publishes to
/// artifacts/chat-client when it is there, else the JIT build referenced by this project (<c>dotnet Chat.Client.dll</c>).
/// </summary>
internal static class ChatClientProcess
{
    public static string NativeBinary => Path.Combine(Browser.RepositoryRoot, "artifacts", "chat-client", "Chat.Client");

    public static async Task<(int ExitCode, JsonElement Result, string Command)> RunAsync(params string[] arguments)
    {
        var native = File.Exists(NativeBinary);
        var start = new ProcessStartInfo(native ? NativeBinary : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!native)
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Chat.Client.dll"));
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var command = $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the chat client did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not exit within 60 s. stderr: {await stderr}");
        }

        var output = (await stdout).Trim();
        Assert.True(output.Length > 0, $"{command} printed nothing (exit {process.ExitCode}). stderr: {await stderr}");
        return (process.ExitCode, JsonDocument.Parse(output).RootElement.Clone(), command);
    }
}
