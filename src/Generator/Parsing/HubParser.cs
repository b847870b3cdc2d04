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
        if (symbol.IsGenericType)
        {
            return Failed(DiagnosticDescriptors.GenericHub);
        }

        // The public constructor with the most parameters, as ActivatorUtilities picks.
        var constructor = symbol.InstanceConstructors
            .Where(c => c.DeclaredAccessibility == Accessibility.Public)
            .OrderByDescending(c => c.Parameters.Length)
            .FirstOrDefault();
        if (constructor is null)
        {
            return Failed(DiagnosticDescriptors.HubWithoutConstructor);
        }

        var contracts = symbol.AllInterfaces
            .Where(i => i.GetAttributes().Any(a => KnownTypeSymbols.IsAttribute(a, known.SocketContractAttribute)))
            .Select(i => Qualified(i.ContainingNamespace, ContractParser.GeneratedClassName(i, "SocketContract")))
            .Distinct()
            .ToArray();

        var hub = new HubModel(
            symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
            symbol.ToDisplayString(SymbolFormats.FullyQualified),
            ContractParser.GeneratedClassName(symbol, "Registration"),
            new EquatableArray<string>(constructor.Parameters.Select(p => p.Type.ToDisplayString(SymbolFormats.FullyQualified))),
            new EquatableArray<string>(contracts));
        return new ParsedHub(hub, EquatableArray<DiagnosticInfo>.Empty);

        ParsedHub Failed(DiagnosticDescriptor descriptor) =>
            new(null, new EquatableArray<DiagnosticInfo>(new[] { DiagnosticInfo.Create(descriptor, anchor, symbol.ToDisplayString()) }));
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
