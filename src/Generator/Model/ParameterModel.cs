namespace Typed.Generator.Model;

/// <summary>A sent parameter.</summary>
internal sealed record ParameterModel(string Name, ValueModel Value);
