using System.Linq;
using Microsoft.CodeAnalysis;

namespace Typed.Generator.Model;

/// <summary>A diagnostic to report, as equatable data: its descriptor, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, SourceAnchor? Anchor, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SourceAnchor? anchor, params string[] arguments) =>
        new(descriptor, anchor, new EquatableArray<string>(arguments));

    /// <summary>Re-creates the tree location at report time, so the compiler's pragma and severity filters apply.</summary>
    public Diagnostic ToDiagnostic() => Diagnostic.Create(Descriptor, Anchor?.ToLocation() ?? Location.None, Arguments.ToArray<object>());
}
