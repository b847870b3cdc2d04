using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>Turns a <c>[SocketContract]</c> symbol into an equatable <see cref="ContractModel"/> plus located diagnostics.</summary>
internal static class ContractParser
{
    public static ParsedContract Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        var known = KnownTypeSymbols.Get(context.SemanticModel.Compilation);
        var diagnostics = new List<DiagnosticInfo>();

        // The attributed declaration's name: a partial contract may have other declarations elsewhere.
        var anchor = new SourceAnchor(context.TargetNode.SyntaxTree, ((BaseTypeDeclarationSyntax)context.TargetNode).Identifier.Span);
        var name = symbol.ToDisplayString();

        if (symbol.TypeKind != TypeKind.Interface)
        {
            return Fail(DiagnosticDescriptors.NotAnInterface, anchor, name);
        }

        // Every other mistake is collected, not returned at: a build shows all of a contract's problems at once.
        if (IsGeneric(symbol))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericContract, anchor, name));
        }

        if (!IsAccessible(symbol))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleContract, anchor, name));
        }

        var attribute = context.Attributes[0];
        var policy = NamedInt(attribute, "NamingPolicy");
        var jsonContext = ParseJsonContext(NamedType(attribute, "JsonContext"), known, anchor, diagnostics);

        var events = new List<EventModel>();
        var eventAnchors = new List<SourceAnchor>();
        foreach (var iface in new[] { symbol }.Concat(symbol.AllInterfaces))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var declaring = iface.ToDisplayString(SymbolFormats.FullyQualified);
            foreach (var member in iface.GetMembers())
            {
                // A member of an interface from metadata has no source position: its diagnostics point at the contract.
                var memberAnchor = SourceAnchor.From(member.Locations.FirstOrDefault()) ?? anchor;
                if (ParseMember(member, declaring, memberAnchor, known, diagnostics) is { } model)
                {
                    events.Add(model);
                    eventAnchors.Add(memberAnchor);
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
            new EquatableArray<EventModel>(events));
        var canGenerate = diagnostics.All(d => d.Descriptor.DefaultSeverity != DiagnosticSeverity.Error);
        return new ParsedContract(contract, canGenerate, new EquatableArray<DiagnosticInfo>(diagnostics), anchor, new EquatableArray<SourceAnchor>(eventAnchors));
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

    private static EventModel? ParseMember(ISymbol member, string declaring, SourceAnchor anchor, KnownTypeSymbols known, List<DiagnosticInfo> diagnostics)
    {
        var name = member.ToDisplayString(SymbolFormats.Member);
        if (member.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticMember, anchor, name));
            return null;
        }

        switch (member)
        {
            case IPropertySymbol:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PropertyOnContract, anchor, name));
                return null;
            case IEventSymbol:
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EventOnContract, anchor, name));
                return null;
            case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                return ParseMethod(method, declaring, anchor, name, known, diagnostics);
            default:
                return null; // accessors are reported with their property or event
        }
    }

    private static EventModel? ParseMethod(IMethodSymbol method, string declaring, SourceAnchor anchor, string name, KnownTypeSymbols known, List<DiagnosticInfo> diagnostics)
    {
        var errors = diagnostics.Count;
        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, anchor, name));
        }

        var (returnKind, ackType) = ParseReturn(method.ReturnType, known);
        if (returnKind is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, anchor, name, method.ReturnType.ToDisplayString()));
        }

        var parameters = new List<ParameterModel>();
        string? cancellationToken = null;
        ParameterModel? upload = null;
        var uploadPosition = -1;
        for (var i = 0; i < method.Parameters.Length; i++)
        {
            var parameter = method.Parameters[i];
            var parameterAnchor = SourceAnchor.From(parameter.Locations.FirstOrDefault()) ?? anchor;
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RefParameter, parameterAnchor, parameter.Name, name));
                continue;
            }

            if (KnownTypeSymbols.Is(parameter.Type, known.CancellationToken))
            {
                if (i != method.Parameters.Length - 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CancellationTokenNotLast, parameterAnchor, parameter.Name, name));
                }

                cancellationToken = parameter.Name;
                continue;
            }

            if (parameter.Type is INamedTypeSymbol { TypeArguments.Length: 1 } stream && KnownTypeSymbols.IsConstructedFrom(stream, known.AsyncEnumerableOfT)
                && Unsendable(stream.TypeArguments[0], known) is null)
            {
                // An upload stream (docs/streaming.md): one per method, and not with a stream in return.
                var unsupported = upload is not null ? "a method takes at most one upload stream"
                    : returnKind == ReturnKind.AsyncEnumerable ? "a method that returns a stream cannot also take one (call two methods)"
                    : null;
                if (unsupported is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedUploadStream, parameterAnchor, parameter.Name, name, unsupported));
                    continue;
                }

                upload = new ParameterModel(parameter.Name, Value(stream.TypeArguments[0], known));
                uploadPosition = parameters.Count;
                continue;
            }

            if (Unsendable(parameter.Type, known) is { } reason)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedParameterType, parameterAnchor, parameter.Name, name, parameter.Type.ToDisplayString(), reason));
                continue;
            }

            parameters.Add(new ParameterModel(parameter.Name, Value(parameter.Type, known)));
        }

        var explicitName = method.GetAttributes()
            .FirstOrDefault(a => KnownTypeSymbols.IsAttribute(a, known.SocketEventAttribute))?
            .ConstructorArguments.FirstOrDefault().Value as string;
        if (explicitName is { Length: 0 })
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.EmptyEventName, anchor, name));
        }

        var timeout = ParseAckTimeout(method, anchor, name, known, diagnostics);
        if (diagnostics.Count != errors || returnKind is null)
        {
            return null;
        }

        if (timeout is not null && upload is null && returnKind is not (ReturnKind.TaskOfT or ReturnKind.ValueTaskOfT or ReturnKind.AsyncEnumerable))
        {
            // A warning, after the error check: the event still works, the attribute just has nothing to time.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AckTimeoutWithoutAck, anchor, name));
            timeout = null;
        }

        var ackValues = new List<ValueModel>();
        if (ackType is INamedTypeSymbol { IsTupleType: true } tuple && returnKind != ReturnKind.AsyncEnumerable)
        {
            ackValues.AddRange(tuple.TupleElements.Select(e => Value(e.Type, known)));
        }
        else if (ackType is not null)
        {
            ackValues.Add(Value(ackType, known));
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
            timeout,
            upload,
            uploadPosition);
    }

    /// <summary>The <c>[AckTimeout]</c> milliseconds; null when absent or invalid (reported as TYPED035).</summary>
    private static int? ParseAckTimeout(IMethodSymbol method, SourceAnchor anchor, string name, KnownTypeSymbols known, List<DiagnosticInfo> diagnostics)
    {
        var attribute = method.GetAttributes().FirstOrDefault(a => KnownTypeSymbols.IsAttribute(a, known.AckTimeoutAttribute));
        if (attribute?.ConstructorArguments.FirstOrDefault().Value is not int milliseconds)
        {
            return null;
        }

        if (milliseconds <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AckTimeoutNotPositive, anchor, name, milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return null;
        }

        return milliseconds;
    }

    private static (ReturnKind? Kind, ITypeSymbol? Ack) ParseReturn(ITypeSymbol type, KnownTypeSymbols known)
    {
        if (KnownTypeSymbols.Is(type, known.Task))
        {
            return (ReturnKind.Task, null);
        }

        if (KnownTypeSymbols.Is(type, known.ValueTask))
        {
            return (ReturnKind.ValueTask, null);
        }

        if (type is not INamedTypeSymbol { TypeArguments.Length: 1 } named || Unsendable(named.TypeArguments[0], known) is not null)
        {
            return (null, null);
        }

        return KnownTypeSymbols.IsConstructedFrom(named, known.TaskOfT) ? (ReturnKind.TaskOfT, named.TypeArguments[0])
            : KnownTypeSymbols.IsConstructedFrom(named, known.ValueTaskOfT) ? (ReturnKind.ValueTaskOfT, named.TypeArguments[0])
            : KnownTypeSymbols.IsConstructedFrom(named, known.AsyncEnumerableOfT) ? (ReturnKind.AsyncEnumerable, named.TypeArguments[0])
            : (null, null);
    }

    private static ValueModel Value(ITypeSymbol type, KnownTypeSymbols known)
    {
        var kind = type switch
        {
            IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte, Rank: 1 } => ValueKind.Bytes,
            INamedTypeSymbol { TypeArguments.Length: 1 } n when n.TypeArguments[0].SpecialType == SpecialType.System_Byte
                && KnownTypeSymbols.IsConstructedFrom(n, known.ReadOnlyMemoryOfT) => ValueKind.Memory,
            _ => ValueKind.Json,
        };
        return new ValueModel(type.ToDisplayString(SymbolFormats.FullyQualified), kind, JsonContextParser.Key(type));
    }

    /// <summary>
    /// Why a value of <paramref name="type"/> cannot cross the wire, or null when it can. Checked through array
    /// elements and type arguments (<c>List&lt;Task&lt;int&gt;&gt;</c>), so a type that passes is one a JSON context can
    /// serialize, and TYPED020 never suggests adding a task, a stream or a delegate to the context. The reason names
    /// what to send instead where there is one: the awaited value of a task, the bytes of a stream.
    /// </summary>
    public static string? Unsendable(ITypeSymbol type, KnownTypeSymbols known)
    {
        switch (type)
        {
            case { TypeKind: TypeKind.Pointer or TypeKind.FunctionPointer }:
                return "a pointer is not a value";
            case { TypeKind: TypeKind.Delegate }:
                return "a delegate is code, not a value";
            case { TypeKind: TypeKind.TypeParameter }:
                return "a type parameter is not known when the code is generated";
            case { TypeKind: TypeKind.Error }:
                return "the type does not compile";
            case { IsRefLikeType: true }:
                return "a ref struct cannot be stored until it is sent";
            case { SpecialType: SpecialType.System_Void }:
                return "void is not a value";
            case IArrayTypeSymbol array:
                return Unsendable(array.ElementType, known);
        }

        if (KnownTypeSymbols.Is(type, known.CancellationToken))
        {
            return "a CancellationToken is not sent; only a method's last parameter may be one, to cancel the wait for the acknowledgement";
        }

        if (KnownTypeSymbols.Is(type, known.Task) || KnownTypeSymbols.Is(type, known.ValueTask))
        {
            return "a task is not a value; await it and send what it produces";
        }

        if (KnownTypeSymbols.IsConstructedFrom(type, known.TaskOfT) || KnownTypeSymbols.IsConstructedFrom(type, known.ValueTaskOfT)
            || KnownTypeSymbols.IsConstructedFrom(type, known.AsyncEnumerableOfT))
        {
            var awaited = Awaited(type, known);
            return Unsendable(awaited, known) ?? $"an asynchronous value is not sent; await it and send '{awaited.ToDisplayString()}'";
        }

        if (KnownTypeSymbols.DerivesFrom(type, known.Stream))
        {
            return "a Stream is not serialized; send its bytes as byte[] or ReadOnlyMemory<byte>";
        }

        if (type is INamedTypeSymbol named)
        {
            foreach (var argument in named.TypeArguments)
            {
                if (Unsendable(argument, known) is { } reason)
                {
                    return reason;
                }
            }
        }

        return null;
    }

    /// <summary><c>Task&lt;ValueTask&lt;int&gt;&gt;</c> → <c>int</c>: what awaiting (or enumerating) produces, all the way down.</summary>
    private static ITypeSymbol Awaited(ITypeSymbol type, KnownTypeSymbols known)
    {
        while (type is INamedTypeSymbol { TypeArguments.Length: 1 } named
            && (KnownTypeSymbols.IsConstructedFrom(named, known.TaskOfT) || KnownTypeSymbols.IsConstructedFrom(named, known.ValueTaskOfT)
                || KnownTypeSymbols.IsConstructedFrom(named, known.AsyncEnumerableOfT)))
        {
            type = named.TypeArguments[0];
        }

        return type;
    }

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
    private static string? ParseJsonContext(INamedTypeSymbol? type, KnownTypeSymbols known, SourceAnchor anchor, List<DiagnosticInfo> diagnostics)
    {
        if (type is null)
        {
            return null;
        }

        if (KnownTypeSymbols.DerivesFrom(type.BaseType, known.JsonSerializerContext))
        {
            return type.ToDisplayString(SymbolFormats.FullyQualified);
        }

        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAJsonContext, anchor, type.ToDisplayString()));
        return null;
    }

    public static int NamedInt(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is int value ? value : 0;

    public static INamedTypeSymbol? NamedType(AttributeData attribute, string name) =>
        attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value as INamedTypeSymbol;

    private static ParsedContract Fail(DiagnosticDescriptor descriptor, SourceAnchor anchor, string name) =>
        new(null, false, new EquatableArray<DiagnosticInfo>(new[] { DiagnosticInfo.Create(descriptor, anchor, name) }), anchor, EquatableArray<SourceAnchor>.Empty);
}
