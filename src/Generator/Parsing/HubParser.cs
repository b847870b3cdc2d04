using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>Finds classes deriving from <c>Typed.SocketIO.SocketHub</c> and what their generated factory needs.</summary>
/// <remarks>
/// Hubs are found by a syntactic predicate rather than a <c>[SocketHub]</c> attribute: existing hubs only derive from
/// <c>SocketHub&lt;TClient&gt;</c> and must keep working unchanged. The predicate accepts only a class whose base
/// class, the first entry of its base list, is spelled <c>SocketHub</c> or <c>SocketHub&lt;…&gt;</c>, plain or
/// qualified; every other class never reaches the semantic transform, which Roslyn re-runs for every candidate on
/// every edit. The non-generic spelling is kept because the runtime maps any <c>SocketHub</c> (MapSocketHub's
/// constraint). The price: a hub deriving from an intermediate base class, or naming its base through a using alias,
/// gets no generated registration.
/// </remarks>
internal static class HubParser
{
    private const string HubTypeName = "SocketHub";

    public static bool IsCandidate(SyntaxNode node) =>
        node is ClassDeclarationSyntax { BaseList.Types: { Count: > 0 } types } declaration
        && NamesSocketHub(types[0].Type)
        && !declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.AbstractKeyword) || m.IsKind(SyntaxKind.StaticKeyword));

    public static ParsedHub? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var known = KnownTypeSymbols.Get(context.SemanticModel.Compilation);
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol symbol
            || symbol.IsAbstract
            || !KnownTypeSymbols.DerivesFrom(symbol.BaseType, known.SocketHub))
        {
            return null;
        }

        // A partial hub is parsed once, at its first declaration that names the hub base.
        var first = symbol.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).FirstOrDefault(IsCandidate);
        if (first != context.Node)
        {
            return null;
        }

        var declaration = (ClassDeclarationSyntax)context.Node;
        var anchor = new SourceAnchor(declaration.SyntaxTree, declaration.Identifier.Span);
        var name = symbol.ToDisplayString();

        // Every mistake is collected, so one build shows them all; any error means no registration is generated, since
        // it would only fail to compile (a binder of a contract without generated code is CS0234 in generated code).
        var diagnostics = new List<DiagnosticInfo>();
        if (symbol.IsGenericType)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericHub, anchor, name));
        }

        // The public constructor with the most parameters, as ActivatorUtilities picks.
        var constructor = symbol.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HubWithoutConstructor, anchor, name));
        }

        // SocketHub<TClient>: the proxies of Clients.* need TClient's generated code.
        if (ClientContract(symbol, known) is { } client)
        {
            var user = "SocketHub<" + client.ToDisplayString() + ">";
            ContractUsage.Check(client, ClientAnchor(declaration) ?? anchor, user, context.SemanticModel.Compilation, known, diagnostics);
        }

        var contracts = symbol.AllInterfaces
            .Where(i => i.GetAttributes().Any(a => KnownTypeSymbols.IsAttribute(a, known.SocketContractAttribute)))
            .ToArray();
        if (contracts.Length == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HubWithoutContract, anchor, name));
        }

        foreach (var contract in contracts)
        {
            ContractUsage.Check(contract, BaseListAnchor(declaration, contract, context.SemanticModel, cancellationToken) ?? anchor, "hub '" + name + "'",
                context.SemanticModel.Compilation, known, diagnostics);
        }

        if (diagnostics.Count > 0 || constructor is null)
        {
            return new ParsedHub(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        var hub = new HubModel(
            symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
            symbol.ToDisplayString(SymbolFormats.FullyQualified),
            ContractParser.GeneratedClassName(symbol, "Registration"),
            new EquatableArray<string>(constructor.Parameters.Select(p => p.Type.ToDisplayString(SymbolFormats.FullyQualified))),
            new EquatableArray<string>(contracts.Select(i => Qualified(i.ContainingNamespace, ContractParser.GeneratedClassName(i, "SocketContract"))).Distinct()),
            HubAuthorizationParser.Parse(symbol, contracts, known));
        return new ParsedHub(hub, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>The <c>TClient</c> of the <c>SocketHub&lt;TClient&gt;</c> the hub derives from, if it does.</summary>
    private static ITypeSymbol? ClientContract(INamedTypeSymbol hub, KnownTypeSymbols known)
    {
        for (var type = hub.BaseType; type is not null; type = type.BaseType)
        {
            if (KnownTypeSymbols.IsConstructedFrom(type, known.SocketHubOfT))
            {
                return type.TypeArguments[0];
            }
        }

        return null;
    }

    /// <summary>Where <c>TClient</c> is written in <c>: SocketHub&lt;TClient&gt;</c>, the hub's first base-list entry.</summary>
    private static SourceAnchor? ClientAnchor(ClassDeclarationSyntax declaration)
    {
        var type = declaration.BaseList!.Types[0].Type;
        var name = type switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax aliased => aliased.Name,
            _ => type,
        };
        return name is GenericNameSyntax { TypeArgumentList.Arguments: { Count: 1 } arguments }
            ? new SourceAnchor(declaration.SyntaxTree, arguments[0].Span)
            : null;
    }

    /// <summary>Where <paramref name="contract"/> is written in the hub's base list; null when it is inherited.</summary>
    private static SourceAnchor? BaseListAnchor(ClassDeclarationSyntax declaration, ITypeSymbol contract, SemanticModel model, CancellationToken cancellationToken)
    {
        foreach (var entry in declaration.BaseList!.Types.Skip(1))
        {
            if (SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(entry.Type, cancellationToken).Type, contract))
            {
                return new SourceAnchor(declaration.SyntaxTree, entry.Type.Span);
            }
        }

        return null;
    }

    private static bool NamesSocketHub(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple.Identifier.ValueText == HubTypeName,
        QualifiedNameSyntax qualified => NamesSocketHub(qualified.Right),
        AliasQualifiedNameSyntax aliased => NamesSocketHub(aliased.Name),
        _ => false,
    };

    private static string Qualified(INamespaceSymbol ns, string name) =>
        ns.IsGlobalNamespace ? "global::" + name : "global::" + ns.ToDisplayString() + "." + name;
}
