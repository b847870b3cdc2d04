using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>Turns a <c>[SocketContract]</c> symbol into an equatable <see cref="ContractModel"/> plus diagnostics.</summary>
internal static class ContractParser
{
    public static ContractResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var diagnostics = new List<DiagnosticInfo>();
        var location = LocationInfo.From(symbol.Locations.FirstOrDefault());
        var name = symbol.ToDisplayString();

        if (symbol.TypeKind != TypeKind.Interface)
        {
            return Fail(DiagnosticDescriptors.NotAnInterface, location, name);
        }

        if (IsGeneric(symbol))
        {
            return Fail(DiagnosticDescriptors.GenericContract, location, name);
        }

        if (!IsAccessible(symbol))
        {
            return Fail(DiagnosticDescriptors.InaccessibleContract, location, name);
        }

        var attribute = context.Attributes[0];
        var policy = NamedInt(attribute, "NamingPolicy");
        var jsonContext = ParseJsonContext(NamedType(attribute, "JsonContext"), location, diagnostics);

        var events = new List<EventModel>();
        foreach (var iface in new[] { symbol }.Concat(symbol.AllInterfaces))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var declaring = iface.ToDisplayString(SymbolFormats.FullyQualified);
            foreach (var member in iface.GetMembers())
            {
                if (ParseMember(member, declaring, diagnostics) is { } model)
                {
                    events.Add(model);
                }
            }
        }

        var contract = new ContractModel(
            symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
            symbol.Name,
            symbol.ToDisplayString(SymbolFormats.FullyQualified),
            GeneratedClassName(symbol, "SocketContract"),
            symbol.DeclaredAccessibility == Accessibility.Public && AllContainersPublic(symbol),
            policy,
            jsonContext,
            new EquatableArray<EventModel>(events),
            location);
        return new ContractResult(diagnostics.Count == 0 || diagnostics.All(d => d.Descriptor.DefaultSeverity != DiagnosticSeverity.Error) ? contract : null, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    /// <summary><c>IChatServer</c> → <c>ChatServerSocketContract</c>; a nested contract gets its containers' names first.</summary>
    public static string GeneratedClassName(INamedTypeSymbol symbol, string suffix)
    {
        var name = symbol.Name.Length > 1 && symbol.Name[0] == 'I' && char.IsUpper(symbol.Name[1]) && symbol.TypeKind == TypeKind.Interface
            ? symbol.Name.Substring(1)
            : symbol.Name;
        for (var container = symbol.ContainingType; container is not null; container = container.ContainingType)
        {
            name = container.Name + "_" + name;
        }

        return name + suffix;
    }

    private static EventModel? ParseMember(ISymbol member, string declaring, List<DiagnosticInfo> diagnostics)
    {
        var location = LocationInfo.From(member.Locations.FirstOrDefault());
        var name = member.ToDisplayString(SymbolFormats.Member);
        if (member.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticMember, location, name));
            return null;
        }

        switch (member)
        {
            case IPropertySymbol:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyOnContract, location, name));
                return null;
            case IEventSymbol:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EventOnContract, location, name));
                return null;
            case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                return ParseMethod(method, declaring, location, name, diagnostics);
            default:
                return null; // accessors are reported with their property or event
        }
    }

    private static EventModel? ParseMethod(IMethodSymbol method, string declaring, LocationInfo? location, string name, List<DiagnosticInfo> diagnostics)
    {
        var errors = diagnostics.Count;
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, location, name));
        }

        var (returnKind, ackType) = ParseReturn(method.ReturnType);
        if (returnKind is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, location, name, method.ReturnType.ToDisplayString()));
        }

        var parameters = new List<ParameterModel>();
        string? cancellationToken = null;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            var parameterLocation = LocationInfo.From(parameter.Locations.FirstOrDefault()) ?? location;
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RefParameter, parameterLocation, parameter.Name, name));
                continue;
            }

            if (IsCancellationToken(parameter.Type))
            {
                if (i != method.Parameters.Length - 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CancellationTokenNotLast, parameterLocation, parameter.Name, name));
                }

                cancellationToken = parameter.Name;
                continue;
            }

            if (!IsSendable(parameter.Type))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameterType, parameterLocation, parameter.Name, name, parameter.Type.ToDisplayString()));
                continue;
            }

            parameters.Add(new ParameterModel(parameter.Name, Value(parameter.Type)));
        }

        var explicitName = method.GetAttributes()
            .FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "Typed.SocketEventAttribute")?
            .ConstructorArguments.FirstOrDefault().Value as string;
        if (explicitName is { Length: 0 })
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyEventName, location, name));
        }

        if (diagnostics.Count != errors || returnKind is null)
        {
            return null;
        }

        var ackValues = new List<ValueModel>();
        if (ackType is INamedTypeSymbol { IsTupleType: true } tuple)
        {
            ackValues.AddRange(tuple.TupleElements.Select(e => Value(e.Type)));
        }
        else if (ackType is not null)
        {
            ackValues.Add(Value(ackType));
        }

        return new EventModel(
            method.Name,
            explicitName,
            declaring,
            returnKind.Value,
            ackType?.ToDisplayString(SymbolFormats.FullyQualified),
            new EquatableArray<ValueModel>(ackValues),
            new EquatableArray<ParameterModel>(parameters),
            cancellationToken,
            location);
    }

    private static (ReturnKind? Kind, ITypeSymbol? Ack) ParseReturn(ITypeSymbol type)
    {
        if (type is not INamedTypeSymbol named || named.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
        {
            return (null, null);
        }

        return (named.Name, named.TypeArguments.Length) switch
        {
            ("Task", 0) => (ReturnKind.Task, null),
            ("ValueTask", 0) => (ReturnKind.ValueTask, null),
            ("Task", 1) when IsSendable(named.TypeArguments[0]) => (ReturnKind.TaskOfT, named.TypeArguments[0]),
            ("ValueTask", 1) when IsSendable(named.TypeArguments[0]) => (ReturnKind.ValueTaskOfT, named.TypeArguments[0]),
            _ => (null, null),
        };
    }

    private static ValueModel Value(ITypeSymbol type)
    {
        var kind = type switch
        {
            IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte, Rank: 1 } => ValueKind.Bytes,
            INamedTypeSymbol { Name: "ReadOnlyMemory", TypeArguments.Length: 1 } n when n.TypeArguments[0].SpecialType == SpecialType.System_Byte && n.ContainingNamespace.ToDisplayString() == "System" => ValueKind.Memory,
            _ => ValueKind.Json,
        };
        return new ValueModel(type.ToDisplayString(SymbolFormats.FullyQualified), kind, JsonContextParser.Key(type));
    }

    private static bool IsSendable(ITypeSymbol type) =>
        type.TypeKind is not (TypeKind.Pointer or TypeKind.FunctionPointer or TypeKind.Delegate or TypeKind.Error or TypeKind.TypeParameter)
        && !type.IsRefLikeType
        && type.SpecialType != SpecialType.System_Void;

    private static bool IsCancellationToken(ITypeSymbol type) => type.ToDisplayString() == "System.Threading.CancellationToken";

    private static bool IsGeneric(INamedTypeSymbol symbol)
    {
        for (var type = symbol; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAccessible(INamedTypeSymbol symbol)
    {
        for (var type = symbol; type is not null; type = type.ContainingType)
        {
            if (type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllContainersPublic(INamedTypeSymbol symbol)
    {
        for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            if (type.DeclaredAccessibility != Accessibility.Public)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A contract's <c>JsonContext</c>: checked to be a source-generated context now, used later.</summary>
    public static string? ParseJsonContext(INamedTypeSymbol? type, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (type is null)
        {
            return null;
        }

        for (var baseType = type.BaseType; baseType is not null; baseType = baseType.BaseType)
        {
            if (baseType.ToDisplayString() == "System.Text.Json.Serialization.JsonSerializerContext")
            {
                return type.ToDisplayString(SymbolFormats.FullyQualified);
            }
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAJsonContext, location, type.ToDisplayString()));
        return null;
    }

    public static int NamedInt(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is int value ? value : 0;

    public static INamedTypeSymbol? NamedType(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as INamedTypeSymbol;

    private static ContractResult Fail(DiagnosticDescriptor descriptor, LocationInfo? location, string name) =>
        new(null, new EquatableArray<DiagnosticInfo>(new[] { DiagnosticInfo.Create(descriptor, location, name) }));
}
