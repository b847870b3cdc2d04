namespace Typed.Generator.Model;

/// <summary>A hub: how to construct it and which contracts it handles.</summary>
internal sealed record HubModel(
    string? Namespace,
    string FullyQualifiedName,
    string GeneratedClassName,
    EquatableArray<string> ConstructorParameterTypes,
    EquatableArray<string> ContractClasses);
