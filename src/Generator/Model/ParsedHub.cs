namespace Typed.Generator.Model;

/// <summary>The hub parser's output: the generation model (null when the hub cannot be generated) and its diagnostics.</summary>
internal sealed record ParsedHub(HubModel? Hub, EquatableArray<DiagnosticInfo> Diagnostics);
