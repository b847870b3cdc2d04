using System.Collections.Generic;
using System.Linq;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>
/// Decides what depends on more than the contract itself: event names (the assembly's default naming policy),
/// duplicate and reserved names, and whether the JSON context knows every type.
/// </summary>
internal static class ContractResolver
{
    private static readonly HashSet<string> s_reserved = new(System.StringComparer.Ordinal)
    {
        "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener",
    };

    // What SocketContractJson falls back to when a context lacks them (the runtime's built-in context).
    private static readonly HashSet<string> s_builtIn = new(System.StringComparer.Ordinal)
    {
        "string", "bool", "int", "long", "double", "float", "decimal", "global::System.Guid", "global::System.DateTimeOffset",
        "global::System.DateTime", "global::System.Text.Json.JsonElement", "global::System.Text.Json.Nodes.JsonNode", "string[]",
        "global::System.Collections.Generic.List<string>", "global::System.Collections.Generic.Dictionary<string, string>",
        "global::System.Collections.Generic.Dictionary<string, global::System.Text.Json.JsonElement>",
    };

    public static ResolvedContract Resolve(ContractResult parsed, ContractDefaults defaults, EquatableArray<JsonContextModel> contexts)
    {
        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        if (parsed.Contract is not { } contract)
        {
            return new ResolvedContract(null, EquatableArray<string>.Empty, null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        var policy = contract.NamingPolicy != 0 ? contract.NamingPolicy : defaults.NamingPolicy != 0 ? defaults.NamingPolicy : EventNaming.AsWritten;
        var names = new List<string>();
        var seen = new Dictionary<string, EventModel>(System.StringComparer.Ordinal);
        var hasErrors = false;
        foreach (var e in contract.Events)
        {
            var name = e.ExplicitName ?? EventNaming.Apply(e.MethodName, policy);
            names.Add(name);
            if (s_reserved.Contains(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ReservedEventName, e.Location ?? contract.Location, e.MethodName, name));
                hasErrors = true;
            }
            else if (seen.TryGetValue(name, out var first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateEventName, e.Location ?? contract.Location, e.MethodName, name, first.MethodName));
                hasErrors = true;
            }
            else
            {
                seen.Add(name, e);
            }
        }

        var jsonContext = contract.JsonContext ?? defaults.JsonContext;
        if (jsonContext is not null && contexts.FirstOrDefault(c => c.FullyQualifiedName == jsonContext) is { } known)
        {
            CheckTypes(contract, known, diagnostics);
        }

        return new ResolvedContract(hasErrors ? null : contract, new EquatableArray<string>(names), jsonContext, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static void CheckTypes(ContractModel contract, JsonContextModel context, List<DiagnosticInfo> diagnostics)
    {
        var types = new HashSet<string>(context.Types, System.StringComparer.Ordinal);
        foreach (var e in contract.Events)
        {
            foreach (var parameter in e.Parameters)
            {
                Check(parameter.Value, parameter.Name, e);
            }

            foreach (var ack in e.AckValues)
            {
                Check(ack, "result", e);
            }
        }

        void Check(ValueModel value, string what, EventModel e)
        {
            var key = value.JsonKey;
            if (value.Kind == ValueKind.Json && !types.Contains(key) && !s_builtIn.Contains(key))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeMissingFromJsonContext, e.Location ?? contract.Location,
                    what, e.MethodName, key.Replace("global::", string.Empty), context.FullyQualifiedName.Replace("global::", string.Empty)));
            }
        }
    }
}
