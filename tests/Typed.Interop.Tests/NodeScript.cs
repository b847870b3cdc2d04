using System.Diagnostics;
using System.Text.Json;

namespace Typed.Interop.Tests;

/// <summary>Runs a script from <c>tests/js</c> with the machine's Node.js and parses the one JSON line it prints.</summary>
internal static class NodeScript
{
    private static readonly Lazy<string> s_scriptsFolder = new(FindScriptsFolder);

    public static string ScriptsFolder => s_scriptsFolder.Value;

    public static async Task<JsonElement> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ScriptsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} {string.Join(' ', arguments)} did not exit within 45 s. stderr: {await stderr}");
        }

        var output = (await stdout).Trim();
        if (output.Length == 0)
        {
            throw new InvalidOperationException($"node {script} printed nothing (exit {process.ExitCode}). stderr: {await stderr}");
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
