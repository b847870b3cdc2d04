using System.Collections.Generic;
using System.Linq;
using Typed.Generator.Model;
using Typed.Shared;

namespace Typed.Generator.Parsing;

/// <summary>
/// Decides what depends on more than the contract itself: event names (the assembly's default naming policy),
/// duplicate and reserved names, and whether the JSON context knows every type. Issues name the event by index, so
/// the generation branch and the diagnostics branch both call this and neither needs the other's data.
/// </summary>
internal static class ContractResolver
{
    private static readonly HashSet<string> s_builtIn = new(SocketIOBuiltInJsonTypes.TypeNames, System.StringComparer.Ordinal);

    public static ResolvedContract Resolve(ContractModel contract, ContractDefaults defaults, EquatableArray<JsonContextModel> contexts)
    {
        var issues = new List<ContractIssue>();
        var policy = contract.NamingPolicy != 0 ? contract.NamingPolicy : defaults.NamingPolicy != 0 ? defaults.NamingPolicy : EventNaming.AsWritten;
        var names = new List<string>();
        var seen = new Dictionary<string, EventModel>(System.StringComparer.Ordinal);
        var hasErrors = false;
        for (var i = 0; i < contract.Events.Count; i++)
        {
            var e = contract.Events[i];
            var name = e.ExplicitName ?? EventNaming.Apply(e.MethodName, policy);
            names.Add(name);
            if (SocketIOReservedNames.IsReservedEventName(name) || SocketIOReservedNames.IsStreamEventName(name))
            {
                issues.Add(Issue(DiagnosticDescriptors.ReservedEventName, i, e.MethodName, name));
                hasErrors = true;
            }
            else if (seen.TryGetValue(name, out var first))
            {
                issues.Add(Issue(DiagnosticDescriptors.DuplicateEventName, i, e.MethodName, name, first.MethodName));
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
            CheckTypes(contract, known, issues);
        }

        return new ResolvedContract(hasErrors ? null : contract, new EquatableArray<string>(names), jsonContext, new EquatableArray<ContractIssue>(issues));
    }

    private static void CheckTypes(ContractModel contract, JsonContextModel context, List<ContractIssue> issues)
    {
        var types = new HashSet<string>(context.Types, System.StringComparer.Ordinal);
        for (var i = 0; i < contract.Events.Count; i++)
        {
            var e = contract.Events[i];
            foreach (var parameter in e.Parameters)
            {
                Check(parameter.Value, parameter.Name, e, i);
            }

            if (e.Upload is { } upload)
            {
                Check(upload.Value, upload.Name, e, i);
            }

            foreach (var ack in e.AckValues)
            {
                Check(ack, "result", e, i);
            }
        }

        void Check(ValueModel value, string what, EventModel e, int index)
        {
            var key = value.JsonKey;
            if (value.Kind == ValueKind.Json && !types.Contains(key) && !s_builtIn.Contains(key))
            {
                issues.Add(Issue(DiagnosticDescriptors.TypeMissingFromJsonContext, index,
                    what, e.MethodName, key.Replace("global::", string.Empty), context.FullyQualifiedName.Replace("global::", string.Empty)));
            }
        }
    }

    private static ContractIssue Issue(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int eventIndex, params string[] arguments) =>
        new(descriptor, eventIndex, new EquatableArray<string>(arguments));
}
