using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Runs an inline script with the machine's Node.js (<c>node -e</c>) in <c>tests/js</c>, so <c>require</c> finds the
/// pinned npm packages (socket.io-msgpack-parser, and socket.io-parser through socket.io). The script reads one JSON
/// document from stdin and prints one JSON document.
/// </summary>
internal static class NodeJs
{
    private static readonly Lazy<string> s_folder = new(FindScriptsFolder);

    /// <summary>The <c>tests/js</c> folder, with its npm packages installed.</summary>
    public static string Folder => s_folder.Value;

    /// <summary>A prologue every script can start with: reads stdin as JSON into <c>input</c>, prints <c>out(x)</c>.</summary>
    public const string Prologue = """
        const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
        const out = (x) => process.stdout.write(JSON.stringify(x));
        """;

    public static JsonElement Run(string script, object? input)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder,
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
                foreach (var package in new[] { "socket.io-msgpack-parser", "socket.io-parser", "notepack.io" })
                {
                    if (!Directory.Exists(Path.Combine(candidate, "node_modules", package)))
                    {
                        throw new InvalidOperationException(
                            $"npm package {package} is missing in {candidate}: run `npm ci` there (or ./test.sh, which does).");
                    }
                }

                return candidate;
            }
        }

        throw new InvalidOperationException("tests/js not found above " + AppContext.BaseDirectory);
    }
}
