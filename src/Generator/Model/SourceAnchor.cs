using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Typed.Generator.Model;

/// <summary>
/// Where a diagnostic points, kept only in the diagnostics branch of the pipeline, never in a generation model.
/// It holds the syntax tree rather than a file path because only a <see cref="Location"/> created from the tree is a
/// source location, and Roslyn applies <c>#pragma warning disable</c> and <c>.editorconfig</c> severities to source
/// locations only (a <c>Location.Create(path, span, lineSpan)</c> external location bypasses both). The tree compares
/// by reference: an edit in another file keeps it the same instance, so the anchor stays equal and nothing reruns.
/// </summary>
internal sealed record SourceAnchor(SyntaxTree Tree, TextSpan Span)
{
    public static SourceAnchor? From(Location? location) =>
        location is { IsInSource: true, SourceTree: { } tree } ? new SourceAnchor(tree, location.SourceSpan) : null;

    public Location ToLocation() => Location.Create(Tree, Span);
}
