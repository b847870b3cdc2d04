namespace Typed.Generator.Model;

/// <summary>The assembly's <c>[SocketContractDefaults]</c>.</summary>
internal sealed record ContractDefaults(int NamingPolicy, string? JsonContext);
