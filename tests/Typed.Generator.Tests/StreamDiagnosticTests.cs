using Microsoft.CodeAnalysis;
using Typed.Shared;

namespace Typed.Generator.Tests;

/// <summary>
/// What the generator accepts and refuses of streams (<c>IAsyncEnumerable&lt;T&gt;</c>, docs/streaming.md): a stream
/// return and one upload argument are supported shapes; two uploads, or an upload with a stream return, are TYPED015.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class StreamDiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Typed; using Typed.SocketIO;\n";

    [Fact]
    public void A_method_returning_IAsyncEnumerable_is_a_stream_and_generates_code_that_compiles()
    {
        var (result, output) = GeneratorHarness.Run(Usings + "[SocketContract] public interface IC { IAsyncEnumerable<int> Count(int to, CancellationToken ct = default); Task Send(); }");

        Assert.Empty(result.Diagnostics);
        var generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("SocketContractStreams.Consume(peer, \"Count\"", generated, StringComparison.Ordinal);
        Assert.Contains("SocketContractStreams.ProduceAsync(__source, __event, __request, \"Count\"", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void A_method_taking_one_IAsyncEnumerable_is_an_upload_and_generates_code_that_compiles()
    {
        var (result, output) = GeneratorHarness.Run(Usings + "[SocketContract] public interface IC { Task<int> Sum(string label, IAsyncEnumerable<int> items, int scale, CancellationToken ct = default); ValueTask Store(IAsyncEnumerable<string> lines); Task Send(); }");

        Assert.Empty(result.Diagnostics);
        var generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("SocketContractStreams.UploadAsync(peer, \"Sum\", items,", generated, StringComparison.Ordinal);
        Assert.Contains("SocketContractStreams.ReceiveUploadAsync(__source, __event, 2, \"Sum\"", generated, StringComparison.Ordinal);
        Assert.Contains(".Sum(__a0, __upload, __a1, default)", generated, StringComparison.Ordinal);
        Assert.Contains("SocketContractStreams.EndUploadAsync(__upload)", generated, StringComparison.Ordinal);
        Assert.DoesNotContain("Sum(this ", generated, StringComparison.Ordinal); // one receiver: no broadcast
        Assert.DoesNotContain("Store(this ", generated, StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void An_upload_item_missing_from_the_json_context_is_TYPED020()
    {
        var source = Usings + "public record Missing(int X); [SocketContract(JsonContext = typeof(Ctx))] public interface IC { Task Store(IAsyncEnumerable<Missing> items); }"
            + " [System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }";

        var (result, _) = GeneratorHarness.Run(source);

        Assert.Single(result.Diagnostics, d => d.Id == "TYPED020");
    }

    [Fact]
    public void A_stream_has_no_broadcast_method()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[SocketContract] public interface IC { IAsyncEnumerable<int> Count(); Task Send(); }");

        var generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("ISocketIOBroadcaster<global::IC> __target) =>", generated, StringComparison.Ordinal); // Send
        Assert.DoesNotContain("Count(this ", generated, StringComparison.Ordinal);
    }

    [Fact]
    public void AckTimeout_on_a_stream_bounds_its_acceptance_and_is_not_reported()
    {
        var (result, _) = GeneratorHarness.Run(Usings + "[SocketContract] public interface IC { [AckTimeout(2000)] IAsyncEnumerable<int> Count(); }");

        Assert.Empty(result.Diagnostics);
        Assert.Contains("global::System.TimeSpan.FromMilliseconds(2000)", Assert.Single(result.GeneratedSources).SourceText.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IAsyncEnumerable<Task<int>> Count();", "TYPED004", "Count")]
    [InlineData("Task<IAsyncEnumerable<int>> Count();", "TYPED004", "Count")]
    [InlineData("IAsyncEnumerable<IAsyncEnumerable<int>> Count();", "TYPED004", "Count")]
    [InlineData("Task Upload(IAsyncEnumerable<Task<int>> items);", "TYPED013", "items")]
    [InlineData("IAsyncEnumerable<int> Both(IAsyncEnumerable<int> items);", "TYPED015", "items")]
    [InlineData("Task Upload(IAsyncEnumerable<int> first, IAsyncEnumerable<int> second);", "TYPED015", "second")]
    public void Unsupported_stream_shapes_are_reported_at_the_member(string member, string id, string at)
    {
        var text = Usings + "[SocketContract] public interface IC { " + member + " }";
        var (result, _) = GeneratorHarness.Run(text);

        var diagnostic = result.Diagnostics.First(d => d.Id == id);
        Assert.Equal(at, text.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Empty(result.GeneratedSources);
    }

    public static TheoryData<string> StreamEventNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in SocketIOReservedNames.StreamEventNames)
        {
            names.Add(name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(StreamEventNames))]
    public void The_stream_convention_event_names_cannot_be_contract_events(string name)
    {
        var (result, _) = GeneratorHarness.Run(Usings + $"[SocketContract] public interface IC {{ [SocketEvent(\"{name}\")] Task Send(); }}");

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "TYPED007");
        Assert.Contains($"'{name}'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_item_missing_from_the_json_context_is_TYPED020()
    {
        var source = Usings + "public record Missing(int X); [SocketContract(JsonContext = typeof(Ctx))] public interface IC { IAsyncEnumerable<Missing> Items(); }"
            + " [System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }";

        var (result, _) = GeneratorHarness.Run(source);

        Assert.Single(result.Diagnostics, d => d.Id == "TYPED020");
    }
}
