using System.Collections.Generic;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>
/// Every diagnostic of one contract, located: the parser's own, then the resolver's issues placed at their event's
/// declaration. Runs in the diagnostics branch, which alone holds positions.
/// </summary>
internal static class ContractDiagnostics
{
    public static EquatableArray<DiagnosticInfo> Collect(ParsedContract parsed, ContractDefaults defaults, EquatableArray<JsonContextModel> contexts)
    {
        if (parsed.Contract is not { } contract)
        {
            return parsed.Diagnostics;
        }

        var diagnostics = new List<DiagnosticInfo>(parsed.Diagnostics);
        foreach (var issue in ContractResolver.Resolve(contract, defaults, contexts).Issues)
        {
            var anchor = issue.EventIndex >= 0 && issue.EventIndex < parsed.EventAnchors.Count ? parsed.EventAnchors[issue.EventIndex] : parsed.Anchor;
            diagnostics.Add(new DiagnosticInfo(issue.Descriptor, anchor, issue.Arguments));
        }

        return new EquatableArray<DiagnosticInfo>(diagnostics);
    }
}
