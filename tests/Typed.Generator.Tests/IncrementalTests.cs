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
