namespace Typed.Generator.Model;

/// <summary>
/// One event of a contract. <see cref="AckValues"/> holds the acknowledgement's arguments: one for <c>Task&lt;T&gt;</c>,
/// one per element for a tuple (<see cref="AckType"/> is then the tuple type). No source position: moving the method
/// must leave the model equal, so nothing is regenerated. <see cref="AckTimeoutMilliseconds"/> is <c>[AckTimeout]</c>'s
/// value, for an event with an acknowledgement only (and for an upload: it bounds the whole call).
/// For a stream (<see cref="ReturnKind.AsyncEnumerable"/>) <see cref="AckType"/> is the item type, one
/// <see cref="AckValues"/> entry (never split as a tuple), and the timeout bounds the wait for the stream's acceptance.
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
    int? AckTimeoutMilliseconds,
    ParameterModel? Upload = null,
    int UploadPosition = -1)
{
    /// <summary>Whether the method takes an upload stream: <see cref="Upload"/> (its value is the item type) at <see cref="UploadPosition"/> among the method's parameters, not in <see cref="Parameters"/>.</summary>
    public bool IsUpload => Upload is not null;

    public bool HasAck => Return is ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT;

    public bool IsStream => Return == ReturnKind.AsyncEnumerable;
}
