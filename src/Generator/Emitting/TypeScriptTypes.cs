using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Typed.Generator.Emitting;

/// <summary>
/// Maps C# types to TypeScript as System.Text.Json and Typed's converters put them on the wire, and collects the
/// records and enums met on the way as declarations of the file. A type is declared once per JSON options (the same
/// record under two contexts with different naming policies is two TypeScript interfaces), in the order first met, so
/// the output is the same from one build to the next.
/// </summary>
internal sealed class TypeScriptTypes
{
    /// <summary>
    /// Bytes travel as binary attachments anywhere in a value (Typed's converters, as socket.io-parser does with a
    /// Buffer). JavaScript may send either; it receives an ArrayBuffer in a browser, a Buffer (a Uint8Array) in Node.
    /// </summary>
    public const string Binary = "ArrayBuffer | Uint8Array";

    // Names a declaration must not take: the file's own interfaces and the global types the mapped types use.
    private static readonly string[] s_taken =
    {
        "ServerToClientEvents", "ClientToServerEvents", "Record", "Array", "ArrayBuffer", "Uint8Array", "Date", "Map",
        "Set", "Promise", "Object", "String", "Number", "Boolean", "Error", "Function", "Symbol",
    };

    private readonly Dictionary<(string Type, TypeScriptJsonOptions Options), string> _names = new();
    private readonly HashSet<string> _used = new(s_taken, System.StringComparer.Ordinal);
    private readonly List<string> _declarations = new();

    /// <summary>The declarations met so far, each a complete <c>export</c> with its comment.</summary>
    public IReadOnlyList<string> Declarations => _declarations;

    /// <summary>The TypeScript type of a value of <paramref name="type"/>; <c>| null</c> when it may be null.</summary>
    public string Map(ITypeSymbol type, TypeScriptJsonOptions options, bool stringEnum = false)
    {
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable)
        {
            return MapCore(nullable.TypeArguments[0], options, stringEnum) + " | null";
        }

        var core = MapCore(type, options, stringEnum);
        return type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated ? core + " | null" : core;
    }

    private string MapCore(ITypeSymbol type, TypeScriptJsonOptions options, bool stringEnum)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
            case SpecialType.System_Char:
                return "string";
            case SpecialType.System_Boolean:
                return "boolean";
            case SpecialType.System_SByte:
            case SpecialType.System_Byte:
            case SpecialType.System_Int16:
            case SpecialType.System_UInt16:
            case SpecialType.System_Int32:
            case SpecialType.System_UInt32:
            case SpecialType.System_Int64:
            case SpecialType.System_UInt64:
            case SpecialType.System_Single:
            case SpecialType.System_Double:
            case SpecialType.System_Decimal:
                // long and decimal too: System.Text.Json writes them as JSON numbers, which JavaScript reads as a
                // double (exact up to 2^53); docs/typescript.md says so.
                return "number";
            case SpecialType.System_Object:
                return "unknown";
        }

        if (type is IArrayTypeSymbol array)
        {
            return array.Rank == 1 && array.ElementType.SpecialType == SpecialType.System_Byte ? Binary : Element(array.ElementType, options) + "[]";
        }

        if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
        {
            return "unknown"; // a type parameter or a type that does not compile: nothing better can be said
        }

        var definition = named.OriginalDefinition.ToDisplayString();
        switch (definition)
        {
            case "System.ReadOnlyMemory<T>" or "System.Memory<T>" when named.TypeArguments[0].SpecialType == SpecialType.System_Byte:
                return Binary;
            case "System.DateTime" or "System.DateTimeOffset" or "System.DateOnly" or "System.TimeOnly" or "System.TimeSpan"
                or "System.Guid" or "System.Uri" or "System.Version":
                return "string";
            case "System.Half" or "System.Int128" or "System.UInt128":
                return "number";
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            return Declare(named, options, stringEnum || options.StringEnums || HasStringEnumConverter(named));
        }

        if ((Generic(named, "System.Collections.Generic.IDictionary<TKey, TValue>") ?? Generic(named, "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>")) is { } dictionary)
        {
            // JSON object keys are strings, whatever the C# key type (numbers and enums are written as their text).
            return "Record<string, " + Map(dictionary.TypeArguments[1], options) + ">";
        }

        if (Generic(named, "System.Collections.Generic.IEnumerable<T>") is { } enumerable)
        {
            return Element(enumerable.TypeArguments[0], options) + "[]";
        }

        if (named.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System" || ns.StartsWith("System.", System.StringComparison.Ordinal)))
        {
            return "unknown"; // JsonElement, JsonNode, tuples…: any JSON, or a shape this mapper does not know
        }

        return Declare(named, options, stringEnum: false);
    }

    private string Element(ITypeSymbol type, TypeScriptJsonOptions options)
    {
        var mapped = Map(type, options);
        return mapped.Contains(" ") ? "(" + mapped + ")" : mapped;
    }

    /// <summary>The construction of the generic interface <paramref name="definition"/> that <paramref name="type"/> is or implements.</summary>
    private static INamedTypeSymbol? Generic(INamedTypeSymbol type, string definition)
    {
        if (type.IsGenericType && type.OriginalDefinition.ToDisplayString() == definition)
        {
            return type;
        }

        return type.AllInterfaces.FirstOrDefault(i => i.OriginalDefinition.ToDisplayString() == definition);
    }

    private string Declare(INamedTypeSymbol type, TypeScriptJsonOptions options, bool stringEnum)
    {
        var key = (type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + (stringEnum ? "|string" : string.Empty), options);
        if (_names.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = UniqueName(type);
        _names.Add(key, name); // before the members, so a recursive record refers to itself

        var slot = _declarations.Count;
        _declarations.Add(string.Empty);
        _declarations[slot] = type.TypeKind == TypeKind.Enum ? Enum(type, name, stringEnum) : Interface(type, name, options);
        return name;
    }

    private string UniqueName(INamedTypeSymbol type)
    {
        var builder = new StringBuilder();
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            builder.Insert(0, container.Name + "_");
        }

        builder.Append(type.Name);
        foreach (var argument in type.TypeArguments)
        {
            builder.Append("Of").Append(new string(argument.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat).Where(c => char.IsLetterOrDigit(c)).ToArray()));
        }

        var name = builder.ToString();
        if (_used.Add(name))
        {
            return name;
        }

        for (var i = 2; ; i++)
        {
            var candidate = name + i.ToString(CultureInfo.InvariantCulture);
            if (_used.Add(candidate))
            {
                return candidate;
            }
        }
    }

    private static string Enum(INamedTypeSymbol type, string name, bool asString)
    {
        var members = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToList();
        var flags = type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.FlagsAttribute");
        var comment = new StringBuilder("/** ").Append(type.ToDisplayString());
        string union;
        if (asString)
        {
            // JsonStringEnumConverter writes the member's name ([JsonStringEnumMemberName] wins); a [Flags] combination is "A, B".
            var names = members.Select(m => Literal(MemberName(m))).ToList();
            union = flags || names.Count == 0 ? "string" : string.Join(" | ", names);
            comment.Append(", written as its names by JsonStringEnumConverter");
        }
        else
        {
            var values = members.Select(m => System.Convert.ToString(m.ConstantValue, CultureInfo.InvariantCulture)!).ToList();
            union = flags || values.Count == 0 ? "number" : string.Join(" | ", values.Distinct());
            comment.Append(" (a number on the wire): ").Append(string.Join(", ", members.Select(m => m.Name + " = " + System.Convert.ToString(m.ConstantValue, CultureInfo.InvariantCulture))));
        }

        return comment.Append(" */\nexport type ").Append(name).Append(" = ").Append(union).Append(";\n").ToString();

        static string Literal(string value) => TypeScriptNaming.Literal(value);
    }

    private static string MemberName(IFieldSymbol member) =>
        member.GetAttributes().FirstOrDefault(a => a.AttributeClass?.Name == "JsonStringEnumMemberNameAttribute")?.ConstructorArguments.FirstOrDefault().Value as string
        ?? member.Name;

    private string Interface(INamedTypeSymbol type, string name, TypeScriptJsonOptions options)
    {
        var builder = new StringBuilder("/** ").Append(type.ToDisplayString()).Append(" */\nexport interface ").Append(name).Append(" {\n");
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        var extensionData = false;

        // Base types first, as System.Text.Json writes them; a property hidden or overridden in a derived type is written once.
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            chain.Insert(0, current);
        }

        var members = new List<(string Name, string Line)>();
        foreach (var declaring in chain.AsEnumerable().Reverse())
        {
            var own = new List<(string, string)>();
            foreach (var member in declaring.GetMembers())
            {
                var (memberType, include) = member switch
                {
                    IPropertySymbol { IsStatic: false, IsIndexer: false, DeclaredAccessibility: Accessibility.Public, GetMethod.DeclaredAccessibility: Accessibility.Public } p => (p.Type, true),
                    IFieldSymbol { IsStatic: false, IsConst: false, DeclaredAccessibility: Accessibility.Public, IsImplicitlyDeclared: false } f => (f.Type, options.IncludeFields || HasAttribute(f, "JsonIncludeAttribute")),
                    _ => (null, false),
                };
                if (memberType is null || !include || !seen.Add(member.Name))
                {
                    continue;
                }

                var attributes = member.GetAttributes();
                if (attributes.Any(a => a.AttributeClass?.Name == "JsonExtensionDataAttribute"))
                {
                    extensionData = true;
                    continue;
                }

                var ignore = options.IgnoreCondition;
                if (attributes.FirstOrDefault(a => a.AttributeClass?.Name == "JsonIgnoreAttribute") is { } ignoreAttribute)
                {
                    // [JsonIgnore] alone is Condition = Always: never written.
                    ignore = ignoreAttribute.NamedArguments.FirstOrDefault(a => a.Key == "Condition").Value.Value is int condition ? condition : 1;
                    if (ignore == 1)
                    {
                        continue;
                    }
                }

                var jsonName = attributes.FirstOrDefault(a => a.AttributeClass?.Name == "JsonPropertyNameAttribute")?.ConstructorArguments.FirstOrDefault().Value as string
                    ?? TypeScriptNaming.JsonName(member.Name, options.NamingPolicy);
                var converter = attributes.FirstOrDefault(a => a.AttributeClass?.Name == "JsonConverterAttribute")?.ConstructorArguments.FirstOrDefault().Value as INamedTypeSymbol;
                var mapped = Map(memberType, options, converter is not null && TypeScriptJsonOptions.IsStringEnumConverter(converter));

                // Left out when null (or default): the key may be missing, not only null.
                var optional = ignore == TypeScriptJsonOptions.WhenWritingDefault
                    || (ignore == TypeScriptJsonOptions.WhenWritingNull && mapped.EndsWith(" | null", System.StringComparison.Ordinal));
                own.Add((member.Name, "  " + TypeScriptNaming.Key(jsonName) + (optional ? "?: " : ": ") + mapped + ";\n"));
            }

            members.InsertRange(0, own);
        }

        foreach (var (_, line) in members)
        {
            builder.Append(line);
        }

        if (extensionData)
        {
            builder.Append("  /** [JsonExtensionData]: any other keys. */\n  [key: string]: unknown;\n");
        }

        return builder.Append("}\n").ToString();
    }

    private static bool HasStringEnumConverter(ISymbol symbol) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.Name == "JsonConverterAttribute"
            && a.ConstructorArguments.FirstOrDefault().Value is INamedTypeSymbol converter && TypeScriptJsonOptions.IsStringEnumConverter(converter));

    private static bool HasAttribute(ISymbol symbol, string name) => symbol.GetAttributes().Any(a => a.AttributeClass?.Name == name);
}
