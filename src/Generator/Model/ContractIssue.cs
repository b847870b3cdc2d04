namespace Typed.Generator.Model;

/// <summary>
/// A problem found after parsing (event names, JSON context), tied to an event by index rather than by position, so
/// the resolved model stays position-free; the diagnostics branch turns it into a located diagnostic.
/// </summary>
internal sealed record ContractIssue(Microsoft.CodeAnalysis.DiagnosticDescriptor Descriptor, int EventIndex, EquatableArray<string> Arguments);
