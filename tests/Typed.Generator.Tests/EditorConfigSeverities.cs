using Microsoft.CodeAnalysis;

namespace Typed.Generator.Tests;

/// <summary>
/// Per-file diagnostic severities, as the compiler derives them from an <c>.editorconfig</c> section
/// (<c>dotnet_diagnostic.ID.severity</c>) that applies to one syntax tree.
/// </summary>
internal sealed class EditorConfigSeverities(SyntaxTree tree, string id, ReportDiagnostic severity) : SyntaxTreeOptionsProvider
{
    public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

    public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
    {
        if (tree == this.Tree && diagnosticId == Id)
        {
            severity = Severity;
            return true;
        }

        severity = ReportDiagnostic.Default;
        return false;
    }

    public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
    {
        severity = ReportDiagnostic.Default;
        return false;
    }

    private SyntaxTree Tree { get; } = tree;

    private string Id { get; } = id;

    private ReportDiagnostic Severity { get; } = severity;
}
