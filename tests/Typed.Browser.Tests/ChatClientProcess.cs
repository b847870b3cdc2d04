using System.Text.Json;

namespace Typed.Browser.Tests;

/// <summary>
/// Runs the chat's .NET console client (samples/Chat/Chat.Client): the NativeAOT binary ./test.sh publishes to
/// artifacts/chat-client when it is there, else the JIT build of samples/Chat/Chat.Client (<c>dotnet Chat.Client.dll</c>
/// in that project's own output: the copy beside this assembly lacks the packages this project gets from the ASP.NET
/// Core shared framework, e.g. Microsoft.Extensions.Logging.Abstractions, and cannot start).
/// </summary>
internal static class ChatClientProcess
{
    public static string NativeBinary => Path.Combine(Browser.RepositoryRoot, "artifacts", "chat-client", "Chat.Client");

    /// <summary>samples/Chat/Chat.Client/bin/&lt;configuration&gt;/&lt;framework&gt;/Chat.Client.dll, as this assembly was built.</summary>
    private static string JitBuild
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(Browser.RepositoryRoot, "samples", "Chat", "Chat.Client", "bin", framework.Parent!.Name, framework.Name, "Chat.Client.dll");
        }
    }

    public static async Task<(int ExitCode, JsonElement Result, string Command)> RunAsync(params string[] arguments)
    {
        var native = File.Exists(NativeBinary);
        string[] dll = native ? [] : [JitBuild];
        var run = await ChildProcess.RunAsync(native ? NativeBinary : "dotnet", [.. dll, .. arguments], TimeSpan.FromSeconds(60));
        var output = run.Stdout.Trim();
        Assert.True(output.Length > 0, $"{run.Command} printed nothing (exit {run.ExitCode}). stderr: {run.Stderr}");
        return (run.ExitCode, JsonDocument.Parse(output).RootElement.Clone(), run.Command);
    }
}
