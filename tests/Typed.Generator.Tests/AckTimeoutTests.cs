using Microsoft.CodeAnalysis;

namespace Typed.Generator.Tests;

/// <summary>
/// <c>[AckTimeout(ms)]</c> becomes the per-call timeout the generated proxy passes to <c>EmitWithAckAsync</c>; a method
/// without it passes null (the socket's default), and a broadcast keeps its own <c>.Timeout(…)</c>.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class AckTimeoutTests
{
    [Fact]
    public void The_proxy_passes_the_attributes_milliseconds_as_the_calls_timeout()
    {
        var source = "using System.Threading; using System.Threading.Tasks; using Typed; namespace N;\n"
            + "[SocketContract] public interface IC\n{\n"
            + "    [SocketEvent(\"join\"), AckTimeout(5000)] Task<int> Join(string room, CancellationToken ct = default);\n"
            + "    Task<int> Count();\n"
            + "}\n";

        var (result, output) = GeneratorHarness.Run(source);

        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var generated = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("peer.EmitWithAckAsync(\"join\", (peer.JsonSerializerOptions, room), s_writeArguments0, global::System.TimeSpan.FromMilliseconds(5000), ct)", generated, StringComparison.Ordinal);
        Assert.Contains("peer.EmitWithAckAsync(\"Count\", peer.JsonSerializerOptions, global::Typed.SocketIO.Contracts.SocketContractArguments.None, null, default)", generated, StringComparison.Ordinal);
        Assert.Single(AllIndexesOf(generated, "FromMilliseconds"));
    }

    private static IEnumerable<int> AllIndexesOf(string text, string value)
    {
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            yield return at;
        }
    }
}
