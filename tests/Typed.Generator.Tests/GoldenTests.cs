using Microsoft.CodeAnalysis;

namespace Typed.Generator.Tests;

/// <summary>
/// The generated code of representative contracts, compared with the files under Golden/ (run with
/// TYPED_UPDATE_GOLDEN=1 to rewrite them), and the generated code compiles without a warning.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class GoldenTests
{
    [Theory]
    [InlineData("Chat")]
    [InlineData("Defaults")]
    [InlineData("Authorization")]
    [InlineData("Streams")]
    public void Generated_code_matches_the_golden_files_and_compiles(string name)
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", name + ".cs"));
        var (result, output) = GeneratorHarness.Run(source);

        Assert.Empty(result.Diagnostics);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        foreach (var generated in result.GeneratedSources)
        {
            var expectedPath = Path.Combine(GoldenFolder(), name, generated.HintName);
            var actual = generated.SourceText.ToString();
            if (Environment.GetEnvironmentVariable("TYPED_UPDATE_GOLDEN") == "1")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(expectedPath)!);
                File.WriteAllText(expectedPath, actual);
                continue;
            }

            Assert.True(File.Exists(expectedPath), $"No golden file {expectedPath}; run with TYPED_UPDATE_GOLDEN=1.");
            Assert.Equal(File.ReadAllText(expectedPath), actual);
        }

        IEnumerable<string?> expectedFiles = Directory.Exists(Path.Combine(GoldenFolder(), name))
            ? Directory.GetFiles(Path.Combine(GoldenFolder(), name)).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            : [];
        Assert.Equal(expectedFiles, result.GeneratedSources.Select(s => s.HintName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "Chat.cs"));
        var first = GeneratorHarness.Run(source).Result.GeneratedSources.Select(s => s.SourceText.ToString());
        var second = GeneratorHarness.Run(source).Result.GeneratedSources.Select(s => s.SourceText.ToString());
        Assert.Equal(first, second);
    }

    /// <summary>The source folder (golden files are written there, and read from there so a stale copy never passes).</summary>
    private static string GoldenFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "Typed.Generator.Tests", "Golden");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Typed.Generator.Tests/Golden not found above " + AppContext.BaseDirectory);
    }
}
