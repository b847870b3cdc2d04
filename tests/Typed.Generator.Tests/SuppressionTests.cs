using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Typed.Generator.Tests;

/// <summary>
/// Generator diagnostics obey the user's suppressions like compiler warnings do: <c>#pragma warning disable</c>
/// around the member, project-wide severities (NoWarn, global config) and per-file <c>.editorconfig</c> severities.
/// The same source without a suppression reports TYPED020 (checked first), so no test passes because it was never reported.
/// TYPED020 is an error by default: Roslyn lets a pragma or a severity suppress an analyzer's or generator's error (only
/// the compiler's own errors cannot be), so these tests show suppression of an error-severity diagnostic.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SuppressionTests
{
    private const string Context =
        "[System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
        + " { public Ctx() : base(null) { } protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
        + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }\n";

    private static string Source(string before, string after) =>
        "using System; using System.Threading.Tasks; using Typed;\n"
        + "public record Missing(int X);\n"
        + "[SocketContract(JsonContext = typeof(Ctx))]\n"
        + "public interface IC\n"
        + "{\n"
        + before
        + "    Task Send(Missing value);\n"
        + after
        + "}\n"
        + Context;

    [Fact]
    public void Pragma_warning_disable_around_the_member_suppresses_TYPED020()
    {
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(Typed020(Run(GeneratorHarness.Compile(Source(string.Empty, string.Empty))))).Severity);

        var diagnostics = Run(GeneratorHarness.Compile(Source("#pragma warning disable TYPED020\n", "#pragma warning restore TYPED020\n")));

        // As for compiler warnings, a pragma keeps the diagnostic but marks it suppressed: builds and the IDE hide it.
        Assert.Empty(Typed020(diagnostics));
        Assert.True(Assert.Single(diagnostics, d => d.Id == "TYPED020").IsSuppressed);
    }

    [Fact]
    public void A_pragma_that_does_not_cover_the_member_suppresses_nothing()
    {
        var diagnostics = Run(GeneratorHarness.Compile(Source("#pragma warning disable TYPED020\n#pragma warning restore TYPED020\n", string.Empty)));

        Assert.Single(Typed020(diagnostics));
    }

    [Fact]
    public void A_project_wide_severity_of_none_suppresses_TYPED020()
    {
        var compilation = GeneratorHarness.Compile(Source(string.Empty, string.Empty));
        var options = compilation.Options.WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty.Add("TYPED020", ReportDiagnostic.Suppress));

        Assert.DoesNotContain(Run(compilation.WithOptions(options)), d => d.Id == "TYPED020");
    }

    [Fact]
    public void An_editorconfig_severity_of_none_for_the_file_suppresses_TYPED020()
    {
        // What the compiler builds from `[*.cs] dotnet_diagnostic.TYPED020.severity = none`: a per-tree severity.
        var compilation = GeneratorHarness.Compile(Source(string.Empty, string.Empty));
        var tree = compilation.SyntaxTrees.Single();
        var options = compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigSeverities(tree, "TYPED020", ReportDiagnostic.Suppress));

        Assert.DoesNotContain(Run(compilation.WithOptions(options)), d => d.Id == "TYPED020");
    }

    [Fact]
    public void An_editorconfig_severity_of_warning_lowers_TYPED020()
    {
        var compilation = GeneratorHarness.Compile(Source(string.Empty, string.Empty));
        var tree = compilation.SyntaxTrees.Single();
        var options = compilation.Options.WithSyntaxTreeOptionsProvider(new EditorConfigSeverities(tree, "TYPED020", ReportDiagnostic.Warn));

        Assert.Equal(DiagnosticSeverity.Warning, Assert.Single(Typed020(Run(compilation.WithOptions(options)))).Severity);
    }

    /// <summary>The diagnostics the compiler reports for the run: the driver's, after its pragma and severity filters.</summary>
    private static ImmutableArray<Diagnostic> Run(Compilation compilation)
    {
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);

        // The run result is filtered the same way; both are what a build or the IDE shows.
        Assert.Equal(diagnostics.Select(d => d.ToString()).Order(StringComparer.Ordinal), driver.GetRunResult().Diagnostics.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        return diagnostics;
    }

    private static IEnumerable<Diagnostic> Typed020(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Id == "TYPED020" && !d.IsSuppressed);
}
