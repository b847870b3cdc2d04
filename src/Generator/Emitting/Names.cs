using Microsoft.CodeAnalysis.CSharp;

namespace Typed.Generator.Emitting;

/// <summary>Names and literals as they must appear in C#.</summary>
internal static class Names
{
    public const string Contracts = "global::Typed.SocketIO.Contracts.";
    public const string Options = "global::System.Text.Json.JsonSerializerOptions";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string Task = "global::System.Threading.Tasks.Task";
    public const string ValueTask = "global::System.Threading.Tasks.ValueTask";
    public const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"Typed.Generator\", \"1.0.0\")]";

    /// <summary>A parameter name usable as an identifier (<c>@class</c>).</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.AwaitKeyword
            ? "@" + name
            : name;

    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
