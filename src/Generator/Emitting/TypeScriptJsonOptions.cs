using System.Linq;
using Microsoft.CodeAnalysis;

namespace Typed.Generator.Emitting;

/// <summary>
/// The parts of a <c>JsonSerializerContext</c>'s <c>[JsonSourceGenerationOptions]</c> that change what the JSON looks
/// like, hence its TypeScript type: the property naming policy, when null or default values are left out, fields, and
/// enums as strings. A contract without a context serializes with the socket's options at run time, which the
/// generator cannot see: it gets <see cref="Default"/> (System.Text.Json's defaults, names as written).
/// </summary>
internal sealed record TypeScriptJsonOptions(int NamingPolicy, int IgnoreCondition, bool IncludeFields, bool StringEnums, string? Context)
{
    // System.Text.Json's enum values, which the generator cannot reference (it targets netstandard2.0 without it).
    public const int CamelCase = 1;
    public const int SnakeCaseLower = 2;
    public const int SnakeCaseUpper = 3;
    public const int KebabCaseLower = 4;
    public const int KebabCaseUpper = 5;
    public const int WhenWritingDefault = 2;
    public const int WhenWritingNull = 3;
    private const int WebDefaults = 1;

    public static TypeScriptJsonOptions Default { get; } = new(0, 0, false, false, null);

    public static TypeScriptJsonOptions From(INamedTypeSymbol? context)
    {
        if (context is null)
        {
            return Default;
        }

        var name = context.ToDisplayString();
        var attribute = context.GetAttributes().FirstOrDefault(a =>
            a.AttributeClass?.ToDisplayString() == "System.Text.Json.Serialization.JsonSourceGenerationOptionsAttribute");
        if (attribute is null)
        {
            return Default with { Context = name };
        }

        // JsonSerializerDefaults.Web means camelCase unless PropertyNamingPolicy says otherwise.
        var policy = attribute.ConstructorArguments.FirstOrDefault().Value is int defaults && defaults == WebDefaults ? CamelCase : 0;
        var ignore = 0;
        var fields = false;
        var strings = false;
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "PropertyNamingPolicy" when argument.Value.Value is int value:
                    policy = value;
                    break;
                case "DefaultIgnoreCondition" when argument.Value.Value is int value:
                    ignore = value;
                    break;
                case "IncludeFields" when argument.Value.Value is bool value:
                    fields = value;
                    break;
                case "UseStringEnumConverter" when argument.Value.Value is bool value:
                    strings |= value;
                    break;
                case "Converters" when !argument.Value.IsNull && argument.Value.Kind == TypedConstantKind.Array:
                    strings |= argument.Value.Values.Any(v => v.Value is INamedTypeSymbol converter && IsStringEnumConverter(converter));
                    break;
            }
        }

        return new TypeScriptJsonOptions(policy, ignore, fields, strings, name);
    }

    /// <summary><c>JsonStringEnumConverter</c> or <c>JsonStringEnumConverter&lt;TEnum&gt;</c>: enums written as their names.</summary>
    public static bool IsStringEnumConverter(INamedTypeSymbol converter) =>
        converter.ContainingNamespace?.ToDisplayString() == "System.Text.Json.Serialization"
        && converter.Name == "JsonStringEnumConverter";
}
