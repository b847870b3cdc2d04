namespace Typed.Generator.Model;

/// <summary>
/// A contract as the parser saw it; event names are applied later, with the assembly's defaults. Position-free, so a
/// blank line above the interface leaves it equal.
/// </summary>
internal sealed record ContractModel(
    string? Namespace,
    string InterfaceName,
    string FullyQualifiedName,
    string GeneratedClassName,
    bool IsPublic,
    int NamingPolicy,
    string? JsonContext,
    EquatableArray<EventModel> Events);
