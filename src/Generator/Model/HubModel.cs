namespace Typed.Generator.Model;

/// <summary>A hub: how to construct it, which contracts it handles, and its authorization attributes (null: none).</summary>
internal sealed record HubModel(
    string? Namespace,
    string FullyQualifiedName,
    string GeneratedClassName,
    EquatableArray<string> ConstructorParameterTypes,
    EquatableArray<string> ContractClasses,
    HubAuthorizationModel? Authorization);
