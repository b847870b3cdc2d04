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
        string[] dll = native ? [] : [Path.Combine(AppContext.BaseDirectory, "Chat.Client.dll")];
        var run = await ChildProcess.RunAsync(native ? NativeBinary : "dotnet", [.. dll, .. arguments], TimeSpan.FromSeconds(60));
        var output = run.Stdout.Trim();
        Assert.True(output.Length > 0, $"{run.Command} printed nothing (exit {run.ExitCode}). stderr: {run.Stderr}");
        return (run.ExitCode, JsonDocument.Parse(output).RootElement.Clone(), run.Command);
    }
}
