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

    public static CSharpCompilation Compile(params string[] sources) => Compile("Contracts", [], sources);

    /// <summary>Compiles <paramref name="sources"/> as assembly <paramref name="assemblyName"/>, with <paramref name="references"/> besides the platform's.</summary>
    public static CSharpCompilation Compile(string assemblyName, IEnumerable<MetadataReference> references, params string[] sources) => CSharpCompilation.Create(
        assemblyName,
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
        s_references.Value.Concat(references),
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// A referenced assembly as a separate project would produce it: compiled with or without the generator, then
    /// emitted, so the consuming compilation sees it as metadata (as a build does).
    /// </summary>
    public static MetadataReference Library(string assemblyName, bool withGenerator, params string[] sources)
    {
        Compilation compilation = Compile(assemblyName, [], sources);
        if (withGenerator)
        {
            CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
        }

        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        if (!emitted.Success)
        {
            throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics));
        }

        return MetadataReference.CreateFromImage(image.ToArray());
    }

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        [new SocketContractGenerator().AsSourceGenerator()],
        parseOptions: ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns its result and the compilation with the generated files.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(params string[] sources) => Run(Compile(sources));

    /// <summary>Runs the generator on <paramref name="compilation"/>; returns its result and the compilation with the generated files.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }
}
