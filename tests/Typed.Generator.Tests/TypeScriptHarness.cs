using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Typed.Generator.Tests;

/// <summary>
/// Runs the generator as a project with <c>TypedTypeScriptOutputPath</c> set (the property reaches it as
/// <c>build_property.TypedTypeScriptOutputPath</c>, as Typed.SocketIO.targets arranges), and reads the TypeScript
/// block out of the generated file the way the build target does.
/// </summary>
internal static class TypeScriptHarness
{
    public const string Usings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Text.Json;
        global using System.Text.Json.Serialization;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Typed;
        global using Typed.SocketIO;
        """;

    public static GeneratorRunResult Run(bool enabled, params string[] sources) =>
        Run(GeneratorHarness.Compile([Usings, .. sources]), enabled).Result;

    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation, bool enabled = true)
    {
        var driver = CreateDriver(enabled).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    /// <summary>A driver that tracks the pipeline steps, for incremental tests.</summary>
    public static GeneratorDriver CreateDriver(bool enabled = true)
    {
        var properties = enabled
            ? ImmutableDictionary<string, string>.Empty.Add("build_property.TypedTypeScriptOutputPath", "scripts/")
            : ImmutableDictionary<string, string>.Empty;
        return CSharpGeneratorDriver.Create(
            [new SocketContractGenerator().AsSourceGenerator()],
            parseOptions: GeneratorHarness.ParseOptions,
            optionsProvider: new OptionsProvider(properties),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>The TypeScript text of <paramref name="fileName"/> (<c>ChatHub.d.ts</c>) in the generator's output.</summary>
    public static string Maps(GeneratorRunResult result, string fileName)
    {
        const string Start = "#if TYPED_TYPESCRIPT_EVENT_MAPS\n";
        var source = result.GeneratedSources.Select(s => s.SourceText.ToString())
            .Single(s => s.Contains("\n// typescript-file: " + fileName + "\n", StringComparison.Ordinal));
        var start = source.IndexOf(Start, StringComparison.Ordinal) + Start.Length;
        return source[start..source.LastIndexOf("#endif\n", StringComparison.Ordinal)];
    }

    private sealed class OptionsProvider(ImmutableDictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Options(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new Options(ImmutableDictionary<string, string>.Empty);
    }

    private sealed class Options(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
