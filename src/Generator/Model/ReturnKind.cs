namespace Typed.Generator.Model;

/// <summary>What a contract method returns.</summary>
internal enum ReturnKind
{
    Task,
    ValueTask,
    TaskOfT,
    ValueTaskOfT,
}
