namespace Typed.Generator.Model;

/// <summary>
/// The parser's output for one <c>[SocketContract]</c>: the model (null only when the type is not an interface), whether
/// it can be generated (no error), and, for the diagnostics branch only, the parse diagnostics and where each event is declared.
/// <see cref="EventAnchors"/>[i] belongs to <c>Contract.Events[i]</c>, so diagnostics decided later (names, JSON
/// context) can point at the method without the model holding a position. The model of a contract with errors still
/// goes to the diagnostics branch, so its name and JSON problems are reported in the same build as the parse errors.
/// </summary>
internal sealed record ParsedContract(
    ContractModel? Contract,
    bool CanGenerate,
    EquatableArray<DiagnosticInfo> Diagnostics,
    SourceAnchor Anchor,
    EquatableArray<SourceAnchor> EventAnchors);
