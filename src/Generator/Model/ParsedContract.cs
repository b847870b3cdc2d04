namespace Typed.Generator.Model;

/// <summary>
/// The parser's output for one <c>[SocketContract]</c>: the generation model (null when it cannot be generated) and,
/// for the diagnostics branch only, the parse diagnostics and where each event is declared.
/// <see cref="EventAnchors"/>[i] belongs to <c>Contract.Events[i]</c>, so diagnostics decided later (names, JSON
/// context) can point at the method without the model holding a position.
/// </summary>
internal sealed record ParsedContract(
    ContractModel? Contract,
    EquatableArray<DiagnosticInfo> Diagnostics,
    SourceAnchor Anchor,
    EquatableArray<SourceAnchor> EventAnchors);
