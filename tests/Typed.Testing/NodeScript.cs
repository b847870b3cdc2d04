using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Typed.Testing;

/// <summary>
/// Runs JavaScript with the machine's Node.js in <c>tests/js</c>, where the pinned npm packages are installed (by
/// eng/setup.sh, from package-lock.json): a script file that prints one JSON line (<see cref="RunAsync"/>), or an
/// inline script that reads one JSON document from stdin and prints one (<see cref="RunInline"/>).
/// </summary>
public static class NodeScript
{
    private static readonly Lazy<string> s_scriptsFolder = new(FindScriptsFolder);

    /// <summary>The <c>tests/js</c> folder, with its npm packages installed (otherwise this throws, saying how to get them).</summary>
    public static string ScriptsFolder => s_scriptsFolder.Value;

    /// <summary>A prologue every inline script starts with: reads stdin as JSON into <c>input</c>, prints <c>out(x)</c>.</summary>
    public const string Prologue = """
        const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const out = (x) => process.stdout.write(JSON.stringify(x));
        """;

    /// <summary>Runs <c>node {script} {arguments}</c> and parses the JSON it printed.</summary>
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

    /// <summary>
    /// Runs <c>node {script}</c> once for a whole batch: each input goes to its stdin as one JSON line, and each line
    /// it prints comes back parsed, in order (the differential tests' scripts answer one line per input).
    /// </summary>
    public static async Task<List<JsonElement>> RunLinesAsync(string script, IEnumerable<object> inputs)
    {
        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = ScriptsFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var input in inputs)
        {
            await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(input));
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {script} did not exit within 60 s. stderr: {await stderr}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} failed (exit {process.ExitCode}): {await stderr}");
        }

        return [.. (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>
    /// Runs <c>node -e</c> with <see cref="Prologue"/> and <paramref name="script"/>, <paramref name="input"/> as JSON
    /// on stdin (CommonJS, so <c>require</c> finds the packages), and parses the JSON it printed. Synchronous because
    /// its callers are synchronous byte-for-byte comparisons.
    /// </summary>
    public static JsonElement RunInline(string script, object? input)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = ScriptsFolder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Prologue + "\n" + script);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("Node.js (node) is not on the PATH; these tests compare bytes with the JavaScript reference.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(JsonSerializer.Serialize(input));
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("node -e did not exit within 60 s. stderr: " + stderr.Result);
            }

            var output = stdout.Result;
            if (process.ExitCode != 0 || output.Length == 0)
            {
                throw new InvalidOperationException($"node -e failed (exit {process.ExitCode}). stderr: {stderr.Result}");
            }

            return JsonDocument.Parse(output).RootElement.Clone();
        }
    }

    private static string FindScriptsFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "js");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                // Every direct dependency of package.json must be installed: a partial node_modules would fail later with
                // a Node stack trace instead of this message.
                using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(candidate, "package.json")));
                foreach (var dependency in package.RootElement.GetProperty("dependencies").EnumerateObject())
                {
                    if (!Directory.Exists(Path.Combine(candidate, "node_modules", dependency.Name)))
                    {
                        throw new InvalidOperationException(
                            $"npm package {dependency.Name} is missing in {candidate}: run eng/setup.sh (or npm ci there; ./test.sh does).");
                    }
                }

                return candidate;
            }
        }

        throw new InvalidOperationException("tests/js not found above " + AppContext.BaseDirectory);
    }
}
