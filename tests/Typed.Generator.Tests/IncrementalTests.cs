using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Typed.Generator.Tests;

/// <summary>
/// The pipeline caches: an edit elsewhere regenerates nothing, and editing one contract regenerates only its file.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class IncrementalTests
{
    private const string First = "using System.Threading.Tasks; using Typed; namespace N; [SocketContract] public interface IFirst { Task A(int x); }";
    private const string Second = "using System.Threading.Tasks; using Typed; namespace N; [SocketContract] public interface ISecond { Task<string> B(); }";
    private const string Other = "namespace N; public class Unrelated { public int Value; }";

    [Fact]
    public void An_unrelated_edit_regenerates_nothing()
    {
        var (driver, compilation) = Start();
        var edited = Replace(compilation, 2, "namespace N; public class Unrelated { public int Value; public string Name = \"x\"; }");

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAll(result, SocketContractGenerator.TrackingNames.Contracts, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(result, SocketContractGenerator.TrackingNames.Defaults, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(result, SocketContractGenerator.TrackingNames.JsonContexts, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(result, SocketContractGenerator.TrackingNames.Resolved, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_one_contract_regenerates_only_its_output()
    {
        var (driver, compilation) = Start();
        var edited = Replace(compilation, 0, First.Replace("Task A(int x);", "Task A(int x); Task C();", StringComparison.Ordinal));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var resolved = result.TrackedSteps[SocketContractGenerator.TrackingNames.Resolved].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(1, resolved.Count(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.Equal(1, resolved.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Equal(1, outputs.Count(o => o.Reason == IncrementalStepRunReason.Modified));
        Assert.Contains("C()", result.GeneratedSources.Single(s => s.HintName == "N.FirstSocketContract.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_line_above_a_contract_regenerates_nothing()
    {
        var (driver, compilation) = Start();
        var edited = Replace(compilation, 0, First.Replace("namespace N;", "namespace N;\n\n", StringComparison.Ordinal));

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The parse step saw the contract move (its diagnostics anchors hold the new tree) ...
        Assert.Contains(result.TrackedSteps[SocketContractGenerator.TrackingNames.Contracts].SelectMany(s => s.Outputs),
            output => output.Reason == IncrementalStepRunReason.Modified);

        // ... but the position-free models and the (empty) diagnostics compare equal, so no output runs.
        AssertAll(result, SocketContractGenerator.TrackingNames.ContractModels, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(result, SocketContractGenerator.TrackingNames.Resolved, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(result, SocketContractGenerator.TrackingNames.ContractDiagnostics, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Moving_a_contract_with_a_diagnostic_reports_it_at_the_new_position_and_regenerates_nothing()
    {
        const string Warned = "using System.Threading.Tasks; using Typed; namespace N; public record Missing(int X);"
            + " [SocketContract(JsonContext = typeof(Ctx))] public interface IWarned { Task Send(Missing value); }"
            + " [System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(System.Type type) => null; }";
        var compilation = GeneratorHarness.Compile(Warned);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var before = Assert.Single(driver.GetRunResult().Diagnostics, d => d.Id == "TYPED020");
        var edited = Replace(compilation, 0, "\n\n" + Warned);

        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var after = Assert.Single(result.Diagnostics, d => d.Id == "TYPED020");
        Assert.Equal(before.Location.GetLineSpan().StartLinePosition.Line + 2, after.Location.GetLineSpan().StartLinePosition.Line);
        Assert.Same(edited.SyntaxTrees.Single(), after.Location.SourceTree);
        AssertAll(result, SocketContractGenerator.TrackingNames.Resolved, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Equal(1, outputs.Count(o => o.Reason == IncrementalStepRunReason.Modified)); // the diagnostics report
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void Editing_one_of_many_classes_with_base_lists_runs_no_hub_transform()
    {
        const string Hub = "using System.Threading.Tasks; using Typed.SocketIO; namespace N; public sealed class OnlyHub : SocketHub<IFirst>, IFirst { public Task A(int x) => Task.CompletedTask; }";
        var classes = Enumerable.Range(0, 300).Select(i => $"namespace N; public class Plain{i} : System.Collections.Generic.List<int>, System.IDisposable {{ public void Dispose() {{ }} }}");
        var compilation = GeneratorHarness.Compile([First, Hub, .. classes]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        // Only the class naming SocketHub passes the syntactic predicate, which is what gates the semantic transform
        // (CreateSyntaxProvider runs the transform for predicate matches only). Roslyn's tracked steps do not list the
        // transform's per-node runs, so the predicate itself is asserted.
        var candidates0 = compilation.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes()).Where(n => Typed.Generator.Parsing.HubParser.IsCandidate(n)).ToList();
        Assert.Equal("OnlyHub", Assert.IsType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>(Assert.Single(candidates0)).Identifier.Text);
        var first = driver.GetRunResult().Results.Single();
        Assert.Contains(first.GeneratedSources, s => s.HintName == "N.OnlyHubRegistration.g.cs");

        var edited = Replace(compilation, 7, "namespace N; public class Plain5 : System.Collections.Generic.List<int>, System.IDisposable { public void Dispose() { } public int Extra; }");
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var candidates = result.TrackedSteps[SocketContractGenerator.TrackingNames.HubCandidates].SelectMany(s => s.Outputs).ToList();
        var hub = Assert.Single(candidates);
        Assert.Contains(hub.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });
        AssertAll(result, SocketContractGenerator.TrackingNames.Hubs, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertAll(result, SocketContractGenerator.TrackingNames.HubDiagnostics, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    private static (GeneratorDriver Driver, Compilation Compilation) Start()
    {
        var compilation = GeneratorHarness.Compile(First, Second, Other);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Assert.Equal(2, driver.GetRunResult().GeneratedTrees.Length);
        return (driver, compilation);
    }

    private static Compilation Replace(Compilation compilation, int index, string source)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, old.FilePath));
    }

    private static void AssertAll(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed) =>
        Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), output => Assert.Contains(output.Reason, allowed));
}
