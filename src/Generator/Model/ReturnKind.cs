namespace Typed.Generator.Model;

/// <summary>What a contract method returns.</summary>
internal enum ReturnKind
{
    Task,
    ValueTask,
    TaskOfT,
    ValueTaskOfT,

    /// <summary><c>IAsyncEnumerable&lt;T&gt;</c>: a stream (docs/streaming.md); the item type is the event's <c>AckType</c>.</summary>
    AsyncEnumerable,
}
