// Compiled into both the generator (netstandard2.0) and the runtime: the generator does not report a type missing from
// a contract's JSON context when the runtime's built-in context serializes it anyway. Not part of Typed.Abstractions'
// own compilation.
#nullable enable

namespace Typed.Shared;

/// <summary>The types the runtime's built-in JSON context serializes when an application's context lacks them.</summary>
internal static class SocketIOBuiltInJsonTypes
{
    /// <summary>
    /// Each type as C# spells it fully qualified (<c>global::</c> prefixes, keywords for special types), which is how
    /// Roslyn's <c>SymbolDisplayFormat.FullyQualifiedFormat</c> writes it, so the generator compares without parsing.
    /// </summary>
    public static System.Collections.Generic.IReadOnlyList<string> TypeNames { get; } = new[]
    {
        "string",
        "bool",
        "int",
        "long",
        "double",
        "float",
        "decimal",
        "global::System.Guid",
        "global::System.DateTimeOffset",
        "global::System.DateTime",
        "global::System.Text.Json.JsonElement",
        "global::System.Text.Json.Nodes.JsonNode",
        "string[]",
        "global::System.Collections.Generic.List<string>",
        "global::System.Collections.Generic.Dictionary<string, string>",
        "global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>",
    };
}
