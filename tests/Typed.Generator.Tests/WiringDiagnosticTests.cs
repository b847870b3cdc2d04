using Microsoft.CodeAnalysis;

namespace Typed.Generator.Tests;

/// <summary>
/// Wiring mistakes are TYPED errors at the line that makes them, not CS errors inside generated code or exceptions at
/// start-up: a contract from an assembly the generator did not run in (TYPED034), a type used as a contract that is not
/// one (TYPED032), and every mistake of a contract in the same build.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class WiringDiagnosticTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Typed; using Typed.SocketIO; using Typed.SocketIO.Contracts;\n";

    /// <summary>Contracts in their own assembly, as a shared Contracts project declares them.</summary>
    private const string Contracts = Usings + "namespace Shared;\n"
        + "[SocketContract] public interface IPlainServer { Task Send(string text); }\n"
        + "[SocketContract] public interface IPlainClient { Task Received(string text); }\n";

    /// <summary>The consuming project: a hub and a .NET client call, each needing the contracts' generated code.</summary>
    private const string Consumer = Usings + "using Shared;\nnamespace App;\n"
        + "public sealed class PlainHub : SocketHub<IPlainClient>, IPlainServer { public Task Send(string text) => Clients.All.Received(text); }\n"
        + "public static class Calls { public static IPlainServer Connect(ISocketIOPeer peer) => peer.CreateProxy<IPlainServer>(); }\n";

    [Fact]
    public void A_contract_from_an_assembly_without_the_generator_is_reported_at_each_use_and_no_generated_code_fails()
    {
        var library = GeneratorHarness.Library("Shared", withGenerator: false, Contracts);

        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile("App", [library], Consumer));

        var reported = result.Diagnostics.Where(d => d.Id == "TYPED034").OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(3, reported.Count);
        Assert.All(reported, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Equal(Position("SocketHub<IPlainClient>", "IPlainClient"), Where(reported[0]));
        Assert.Equal(Position(", IPlainServer {", "IPlainServer"), Where(reported[1]));
        Assert.Equal(Position("CreateProxy<IPlainServer>", "IPlainServer"), Where(reported[2]));
        Assert.Contains("'Shared.PlainServerSocketContract' is missing", reported[1].GetMessage(), StringComparison.Ordinal);
        Assert.Contains("OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\"", reported[1].GetMessage(), StringComparison.Ordinal);

        // No registration is generated for the hub, so the build shows the TYPED errors and no CS error in generated code.
        Assert.Empty(result.GeneratedSources);
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void The_same_contracts_from_an_assembly_built_with_the_generator_report_nothing_and_compile()
    {
        var library = GeneratorHarness.Library("Shared", withGenerator: true, Contracts);

        var (result, output) = GeneratorHarness.Run(GeneratorHarness.Compile("App", [library], Consumer));

        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "App.PlainHubRegistration.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void CreateProxy_and_Register_of_a_type_that_is_not_a_contract_are_reported_at_the_call()
    {
        var source = Usings
            + "public interface INotAContract { Task Send(); }\n"
            + "public sealed class Receiver : INotAContract { public Task Send() => Task.CompletedTask; }\n"
            + "public static class Calls\n{\n"
            + "    public static object Proxy(ISocketIOPeer peer) => peer.CreateProxy<INotAContract>();\n"
            + "    public static IDisposable Handlers(ISocketIOEventSource source) => source.Register(new Receiver());\n"
            + "    public static void Unrelated(CancellationToken token) => token.Register(() => { });\n"
            + "}\n";

        var (result, _) = GeneratorHarness.Run(source);

        var reported = result.Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        Assert.Equal(2, reported.Count);
        Assert.All(reported, d => Assert.Equal("TYPED032", d.Id));
        Assert.Equal((source.IndexOf("CreateProxy<INotAContract>", StringComparison.Ordinal) + "CreateProxy<".Length, "INotAContract".Length), (reported[0].Location.SourceSpan.Start, reported[0].Location.SourceSpan.Length));

        // Register's type argument is inferred (the handler's class): reported at the method name.
        Assert.Equal((source.IndexOf("Register(new", StringComparison.Ordinal), "Register".Length), (reported[1].Location.SourceSpan.Start, reported[1].Location.SourceSpan.Length));
        Assert.Contains("'Receiver' is not a [SocketContract] interface, so Register<Receiver>()", reported[1].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_hub_implementing_a_contract_of_its_own_assembly_and_naming_one_as_client_generates_its_registration()
    {
        var (result, output) = GeneratorHarness.Run(Contracts.Replace("namespace Shared;", "namespace App;", StringComparison.Ordinal),
            Consumer.Replace("using Shared;", string.Empty, StringComparison.Ordinal));

        Assert.Empty(result.Diagnostics);
        Assert.Contains(result.GeneratedSources, s => s.HintName == "App.PlainHubRegistration.g.cs");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void A_contract_with_three_different_mistakes_reports_all_three_in_one_run()
    {
        var source = Usings
            + "public record Missing(int X);\n"
            + "[SocketContract(JsonContext = typeof(Ctx))]\n"
            + "public interface IBroken\n{\n"
            + "    Task ByRef(ref int value);\n"
            + "    [SocketEvent(\"connect\")] Task Reserved();\n"
            + "    Task Send(Missing value);\n"
            + "}\n"
            + "[System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }\n";

        var (result, _) = GeneratorHarness.Run(source);

        var reported = result.Diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => (d.Id, Text: source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length))).ToList();
        Assert.Equal(new[] { ("TYPED003", "value"), ("TYPED007", "Reserved"), ("TYPED020", "Send") }, reported);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void TYPED020_is_an_error_and_the_contract_is_still_generated()
    {
        var source = Usings
            + "public record Missing(int X);\n"
            + "[SocketContract(JsonContext = typeof(Ctx))] public interface IC { Task<Missing> Ask(Missing value); }\n"
            + "[System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }\n";

        var (result, output) = GeneratorHarness.Run(source);

        var reported = result.Diagnostics.Where(d => d.Id == "TYPED020").ToList();
        Assert.Equal(2, reported.Count);
        Assert.All(reported, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.All(reported, d => Assert.Contains("add [JsonSerializable(typeof(Missing))]", d.GetMessage(), StringComparison.Ordinal));

        // Generated anyway: a hub implementing the contract reports only this, not a cascade of missing-type errors.
        Assert.Single(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Types_that_cannot_be_serialized_are_TYPED013_with_what_to_send_and_never_suggested_for_the_json_context()
    {
        var source = Usings
            + "[SocketContract(JsonContext = typeof(Ctx))] public interface IC\n{\n"
            + "    Task Awaited(Task<int> count);\n"
            + "    Task Nested(ValueTask<Task<string>> text);\n"
            + "    Task Streamed(System.IO.Stream data);\n"
            + "    Task Listed(System.Collections.Generic.List<Func<int>> callbacks);\n"
            + "    Task Token(System.Collections.Generic.List<CancellationToken> tokens);\n"
            + "}\n"
            + "[System.Text.Json.Serialization.JsonSerializable(typeof(bool))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }\n";

        var (result, _) = GeneratorHarness.Run(source);

        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "TYPED020");
        var messages = result.Diagnostics.Where(d => d.Id == "TYPED013").OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.GetMessage()).ToList();
        Assert.Equal(5, messages.Count);
        Assert.EndsWith("await it and send 'int'", messages[0], StringComparison.Ordinal);
        Assert.EndsWith("await it and send 'string'", messages[1], StringComparison.Ordinal);
        Assert.EndsWith("send its bytes as byte[] or ReadOnlyMemory<byte>", messages[2], StringComparison.Ordinal);
        Assert.EndsWith("a delegate is code, not a value", messages[3], StringComparison.Ordinal);
        Assert.Contains("a CancellationToken is not sent", messages[4], StringComparison.Ordinal);
    }

    private static (int Start, int Length) Where(Diagnostic diagnostic) => (diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);

    /// <summary>Where <paramref name="name"/> is written inside the first <paramref name="context"/> of the consumer.</summary>
    private static (int Start, int Length) Position(string context, string name) =>
        (Consumer.IndexOf(context, StringComparison.Ordinal) + context.IndexOf(name, StringComparison.Ordinal), name.Length);
}
