using System.Text.Json;
using Xunit.Abstractions;

namespace Typed.Browser.Tests;

/// <summary>Runs a scenario of tests/js/browser-chat.mjs (Chromium through playwright-core) and checks what it reports.</summary>
internal static class Browser
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The repository's artifacts/browser, where the screenshots are kept.</summary>
    public static string ScreenshotFolder => Path.Combine(RepositoryRoot, "artifacts", "browser");

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(NodeScript.ScriptsFolder, "..", ".."));

    /// <summary>Fails (never skips) when Chromium or playwright-core is missing, saying how to get them.</summary>
    public static void RequireChromium()
    {
        Assert.True(File.Exists(ChromiumPath),
            $"Chromium is not installed at {ChromiumPath}: the browser tests need it. ./test.sh installs it (apt-get install -y chromium); or set CHROMIUM_PATH.");
        Assert.True(Directory.Exists(Path.Combine(NodeScript.ScriptsFolder, "node_modules", "playwright-core")),
            $"playwright-core is missing in {NodeScript.ScriptsFolder}/node_modules: run npm ci there (./test.sh does).");
    }

    public static async Task<JsonElement> RunAsync(ITestOutputHelper output, string baseUrl, string scenario, string? room = null)
    {
        RequireChromium();
        string[] arguments = room is null ? [baseUrl, scenario, ScreenshotFolder] : [baseUrl, scenario, ScreenshotFolder, room];
        var result = await NodeScript.RunAsync("browser-chat.mjs", arguments);
        output.WriteLine(result.GetRawText());
        Assert.True(result.GetProperty("ok").GetBoolean(), $"{scenario}: {result.GetProperty("errors")}");

        var screenshots = result.GetProperty("screenshots").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.NotEmpty(screenshots);
        foreach (var screenshot in screenshots)
        {
            Assert.True(new FileInfo(screenshot).Length > 0, "missing screenshot " + screenshot);
            output.WriteLine("screenshot: " + Path.GetRelativePath(RepositoryRoot, screenshot));
        }

        return result;
    }
}
