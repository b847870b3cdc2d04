namespace Typed.Generator.Model;

/// <summary>
/// A contract with its event names and JSON context decided (after the assembly defaults are known).
/// <see cref="Contract"/> is null when an issue is an error.
/// </summary>
internal sealed record ResolvedContract(ContractModel? Contract, EquatableArray<string> EventNames, string? JsonContext, EquatableArray<ContractIssue> Issues);
