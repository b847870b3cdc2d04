using System.Text.Json;

namespace Typed.Interop.Tests;

/// <summary>Runs a script from <c>tests/js</c> with the machine's Node.js and parses the one JSON line it prints.</summary>
internal static class NodeScript
{
    private static readonly Lazy<string> s_scriptsFolder = new(FindScriptsFolder);

    public static string ScriptsFolder => s_scriptsFolder.Value;

    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        var run = await ChildProcess.RunAsync("node", [script, .. arguments], TimeSpan.FromSeconds(45), ScriptsFolder);
        var output = run.Stdout.Trim();
        if (output.Length == 0)
        {
            throw new InvalidOperationException($"{run.Command} printed nothing (exit {run.ExitCode}). stderr: {run.Stderr}");
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private static string FindScriptsFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "js");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                if (!Directory.Exists(Path.Combine(candidate, "node_modules", "engine.io-client")))
                {
                    throw new InvalidOperationException($"npm packages are missing in {candidate}: run ./test.sh (it runs npm ci there).");
                }

                return candidate;
            }
        }

        throw new InvalidOperationException("tests/js not found above " + AppContext.BaseDirectory);
    }
}
