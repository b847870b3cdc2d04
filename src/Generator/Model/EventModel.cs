namespace Typed.Generator.Model;

/// <summary>
/// One event of a contract. <see cref="AckValues"/> holds the acknowledgement's arguments: one for <c>Task&lt;T&gt;</c>,
/// one per element for a tuple (<see cref="AckType"/> is then the tuple type). No source position: moving the method
/// must leave the model equal, so nothing is regenerated. <see cref="AckTimeoutMilliseconds"/> is <c>[AckTimeout]</c>'s
/// value, for an event with an acknowledgement only.
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
    int? AckTimeoutMilliseconds)
{
    public bool HasAck => Return is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT;
}
