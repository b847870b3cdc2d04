using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>
/// Reads a <c>JsonSerializerContext</c>'s <c>[JsonSerializable]</c> types and what they reach through public
/// properties, fields, array elements and generic arguments — an approximation of what System.Text.Json's generator
/// emits, enough to tell when a contract's type is certainly missing.
/// </summary>
internal static class JsonContextParser
{
    private const int MaxTypes = 2000;

    public static JsonContextModel Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var reached = new SortedSet<string>(System.StringComparer.Ordinal);
        var pending = new Stack<ITypeSymbol>();
        foreach (var attribute in context.Attributes)
        {
            if (attribute.ConstructorArguments.FirstOrDefault().Value is ITypeSymbol root)
            {
                pending.Push(root);
            }
        }

        while (pending.Count > 0 && reached.Count < MaxTypes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var type = pending.Pop();
            if (!reached.Add(Key(type)))
            {
                continue;
            }

            switch (type)
            {
                case IArrayTypeSymbol array:
                    pending.Push(array.ElementType);
                    break;
                case INamedTypeSymbol named:
                    foreach (var argument in named.TypeArguments)
                    {
                        pending.Push(argument);
                    }

                    if (named.ContainingNamespace?.ToDisplayString().StartsWith("System", System.StringComparison.Ordinal) != true)
                    {
                        foreach (var member in named.GetMembers())
                        {
                            if (member is IPropertySymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public, IsIndexer: false } property)
                            {
                                pending.Push(property.Type);
                            }
                            else if (member is IFieldSymbol { IsStatic: false, DeclaredAccessibility: Accessibility.Public } field)
                            {
                                pending.Push(field.Type);
                            }
                        }
                    }

                    break;
            }
        }

        return new JsonContextModel(symbol.ToDisplayString(SymbolFormats.FullyQualified), new EquatableArray<string>(reached));
    }

    /// <summary>A type's identity for the check: fully qualified, without nullable annotations (<c>string?</c> is <c>string</c>).</summary>
    public static string Key(ITypeSymbol type) =>
        type.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
}
