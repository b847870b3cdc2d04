namespace Typed.Fuzz;

/// <summary>A decoder broke its contract on this input; escaping the harness, it makes AFL++ record a crash.</summary>
internal sealed class ContractViolationException(string message) : Exception(message);
