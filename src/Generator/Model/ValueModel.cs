namespace Typed.Generator.Model;

/// <summary>A C# value sent or received: its fully qualified type, how it travels, and its identity for the JSON context check.</summary>
internal sealed record ValueModel(string Type, ValueKind Kind, string JsonKey);
