namespace Typed.Generator.Model;

/// <summary>A C# value sent or received: its fully qualified type, how it travels, and its identity for the JSON context check.</summary>
internal sealed record ValueModel(string Type, ValueKind Kind, string JsonKey)
{
    /// <summary>
    /// Whether the value may be null: a nullable value type or an annotated reference type (the type is written with
    /// its nullable annotation). A reference type in a <c>#nullable disable</c> context reads as not nullable, so its
    /// binder refuses <c>null</c>; annotate it <c>?</c> to accept it.
    /// </summary>
    public bool AllowsNull => Type.EndsWith("?", System.StringComparison.Ordinal);
}
