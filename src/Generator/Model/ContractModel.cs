namespace Typed.Generator.Model;

/// <summary>How a value crosses the wire.</summary>
internal enum ValueKind
{
    /// <summary>JSON through its JsonTypeInfo.</summary>
    Json,

    /// <summary><c>byte[]</c>: a binary attachment.</summary>
    Bytes,

    /// <summary><c>ReadOnlyMemory&lt;byte&gt;</c>: a binary attachment.</summary>
    Memory,
}

/// <summary>A C# value sent or received: its fully qualified type, how it travels, and its identity for the JSON context check.</summary>
internal sealed record ValueModel(string Type, ValueKind Kind, string JsonKey);

/// <summary>A sent parameter.</summary>
internal sealed record ParameterModel(string Name, ValueModel Value);

/// <summary>What a contract method returns.</summary>
internal enum ReturnKind
{
    Task,
    ValueTask,
    TaskOfT,
    ValueTaskOfT,
}

/// <summary>
/// One event of a contract. <see cref="AckValues"/> holds the acknowledgement's arguments: one for <c>Task&lt;T&gt;</c>,
/// one per element for a tuple (<see cref="AckType"/> is then the tuple type).
/// </summary>
internal sealed record EventModel(
    string MethodName,
    string? ExplicitName,
    string DeclaringInterface,
    ReturnKind Return,
    string? AckType,
    EquatableArray<ValueModel> AckValues,
    EquatableArray<ParameterModel> Parameters,
    string? CancellationTokenName,
    LocationInfo? Location)
{
    public bool HasAck => Return is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT;
}

/// <summary>A contract as the parser saw it; event names are applied later, with the assembly's defaults.</summary>
internal sealed record ContractModel(
    string? Namespace,
    string InterfaceName,
    string FullyQualifiedName,
    string GeneratedClassName,
    bool IsPublic,
    int NamingPolicy,
    string? JsonContext,
    EquatableArray<EventModel> Events,
    LocationInfo? Location);

/// <summary>The parser's output for one <c>[SocketContract]</c>: a model (null when it cannot be generated) and diagnostics.</summary>
internal sealed record ContractResult(ContractModel? Contract, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The assembly's <c>[SocketContractDefaults]</c>.</summary>
internal sealed record ContractDefaults(int NamingPolicy, string? JsonContext);

/// <summary>A <c>JsonSerializerContext</c> and the types it can serialize (declared ones and those they reach).</summary>
internal sealed record JsonContextModel(string FullyQualifiedName, EquatableArray<string> Types);

/// <summary>A hub: how to construct it and which contracts it handles.</summary>
internal sealed record HubModel(
    string? Namespace,
    string FullyQualifiedName,
    string GeneratedClassName,
    EquatableArray<string> ConstructorParameterTypes,
    EquatableArray<string> ContractClasses,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A contract with its event names and JSON context decided (after the assembly defaults are known).</summary>
internal sealed record ResolvedContract(ContractModel? Contract, EquatableArray<string> EventNames, string? JsonContext, EquatableArray<DiagnosticInfo> Diagnostics);
