namespace Typed.Generator.Model;

/// <summary>A <c>JsonSerializerContext</c> and the types it can serialize (declared ones and those they reach).</summary>
internal sealed record JsonContextModel(string FullyQualifiedName, EquatableArray<string> Types);
