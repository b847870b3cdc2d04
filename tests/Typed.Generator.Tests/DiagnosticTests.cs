using Microsoft.CodeAnalysis;
using Typed.Shared;

namespace Typed.Generator.Tests;

/// <summary>One case per diagnostic: the id, and the source text the diagnostic must point at (the offending member).</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class DiagnosticTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Typed; using Typed.SocketIO;\n";

    public static TheoryData<string, string, string> Cases() => new()
    {
        { "TYPED001", "[SocketContract] public class NotAnInterface { }", "NotAnInterface" },
        { "TYPED002", "[SocketContract] public interface IC { Task Generic<T>(T value); }", "Generic" },
        { "TYPED003", "[SocketContract] public interface IC { Task ByRef(ref int value); }", "value" },
        { "TYPED004", "[SocketContract] public interface IC { void NotATask(); }", "NotATask" },
        { "TYPED005", "[SocketContract] public interface IC { Task<int> Early(CancellationToken token, int value); }", "token" },
        { "TYPED006", "[SocketContract] public interface IC { Task Same(); [SocketEvent(\"Same\")] Task Other(); }", "Other" },
        { "TYPED007", "[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase)] public interface IC { Task Disconnect(); }", "Disconnect" },
        { "TYPED008", "[SocketContract] public interface IC { int Count { get; } }", "Count" },
        { "TYPED009", "[SocketContract] public interface IC { event EventHandler Changed; }", "Changed" },
        { "TYPED010", "[SocketContract] public interface IC<T> { Task Send(T value); }", "IC" },
        { "TYPED011", "[SocketContract] public interface IC { [SocketEvent(\"\")] Task Nameless(); }", "Nameless" },
        { "TYPED012", "[SocketContract] public interface IC { static Task Create() => Task.CompletedTask; }", "Create" },
        { "TYPED013", "[SocketContract] public interface IC { Task Send(Action callback); }", "callback" },
        { "TYPED014", "public class Outer { [SocketContract] private interface IC { Task Send(); } }", "IC" },
        {
            "TYPED020",
            "public record Missing(int X); [SocketContract(JsonContext = typeof(Ctx))] public interface IC { Task Send(Missing value); }"
                + " [System.Text.Json.Serialization.JsonSerializable(typeof(int))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
                + " { public Ctx() : base(null) { } protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
                + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }",
            "Send"
        },
        { "TYPED021", "[SocketContract(JsonContext = typeof(string))] public interface IC { Task Send(); }", "IC" },
        { "TYPED030", "public interface IClient { } public class GenericHub<T> : SocketHub { }", "GenericHub" },
        { "TYPED031", "public class PrivateHub : SocketHub { private PrivateHub() { } }", "PrivateHub" },
        { "TYPED032", "[SocketContract] public interface IC { Task Send(); } public interface INotAContract { } public sealed class H : SocketHub<INotAContract>, IC { public Task Send() => Task.CompletedTask; }", "INotAContract>" },
        { "TYPED033", "public interface IClient { } public sealed class ContractlessHub : SocketHub { }", "ContractlessHub" },
        { "TYPED035", "[SocketContract] public interface IC { [AckTimeout(0)] Task<int> Ask(); }", "Ask" },
        { "TYPED036", "[SocketContract] public interface IC { [AckTimeout(5000)] Task Tell(); }", "Tell" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Misuse_is_reported_at_the_offending_member(string id, string source, string at)
    {
        var text = Usings + source;
        var (result, _) = GeneratorHarness.Run(text);

        // Reported from the syntax tree (not a bare file path), so the compiler can apply pragmas and severities to it.
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        var location = diagnostic.Location;
        Assert.Equal("Source0.cs", location.GetLineSpan().Path);
        // A trailing '>' in the expectation pins a type argument (SocketHub<T>'s T), not the same name's declaration.
        var expected = at.TrimEnd('>');
        Assert.Equal(expected, text.Substring(location.SourceSpan.Start, location.SourceSpan.Length));
        if (at.EndsWith('>'))
        {
            Assert.Equal(text.IndexOf("<" + at, StringComparison.Ordinal) + 1, location.SourceSpan.Start);
        }
    }

    public static TheoryData<string> ReservedNames()
    {
        var names = new TheoryData<string>();
        foreach (var name in SocketIOReservedNames.EventNames)
        {
            names.Add(name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(ReservedNames))]
    public void Every_name_the_runtime_reserves_is_refused_as_an_event_name(string name)
    {
        var (result, _) = GeneratorHarness.Run(Usings + $"[SocketContract] public interface IC {{ [SocketEvent(\"{name}\")] Task Send(); }}");

        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "TYPED007");
        Assert.Contains($"'{name}'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Types_the_runtime_serializes_built_in_are_never_missing_from_a_json_context()
    {
        var parameters = string.Join(", ", SocketIOBuiltInJsonTypes.TypeNames.Select((type, i) => $"{type} a{i}"));
        var source = Usings + $"[SocketContract(JsonContext = typeof(Ctx))] public interface IC {{ Task Send({parameters}); }}"
            + " [System.Text.Json.Serialization.JsonSerializable(typeof(Guid))] public partial class Ctx : System.Text.Json.Serialization.JsonSerializerContext"
            + " { public Ctx() : base(null) { } public static Ctx Default { get; } = new(); protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;"
            + " public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null; }";

        var (result, _) = GeneratorHarness.Run(source);

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void A_valid_contract_reports_nothing_and_generates_its_file()
    {
        var (result, output) = GeneratorHarness.Run(Usings + "[SocketContract] public interface IC { Task Send(string text); Task<int> Ask(CancellationToken ct = default); }");

        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
