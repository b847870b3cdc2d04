using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Typed.Generator.Tests;

/// <summary>Compiles sources against the runtime and ASP.NET Core and runs the generator on them.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. paths.Where(p => p.EndsWith(".dll", StringComparison.Ordinal)).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "Contracts",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
        s_references.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new SocketContractGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its result and the compilation with the generated files.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(Compile(sources), out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }
}
