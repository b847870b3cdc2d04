using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>Finds classes deriving from <c>Typed.SocketIO.SocketHub</c> and what their generated factory needs.</summary>
internal static class HubParser
{
    public static bool IsCandidate(SyntaxNode node) =>
        node is ClassDeclarationSyntax { BaseList: not null } declaration
        && !declaration.Modifiers.Any(m => m.Text is "abstract" or "static");

    public static HubModel? Parse(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.SemanticModel.GetDeclaredSymbol(context.Node, cancellationToken) is not INamedTypeSymbol symbol || !DerivesFromHub(symbol))
        {
            return null;
        }

        // A partial hub is parsed once, at its first declaration that has a base list.
        if (symbol.DeclaringSyntaxReferences.FirstOrDefault(r => r.GetSyntax(cancellationToken) is ClassDeclarationSyntax { BaseList: not null })?.GetSyntax(cancellationToken) != context.Node)
        {
            return null;
        }

        var name = symbol.ToDisplayString();
        var location = LocationInfo.From(symbol.Locations.FirstOrDefault());
        var fullName = symbol.ToDisplayString(SymbolFormats.FullyQualified);
        var generatedName = ContractParser.GeneratedClassName(symbol, "Registration");
        var ns = symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString();
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
            .Where(i => i.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Typed.SocketContractAttribute"))
            .Select(i => Qualified(i.ContainingNamespace, ContractParser.GeneratedClassName(i, "SocketContract")))
            .Distinct()
            .ToArray();

        return new HubModel(
            ns,
            fullName,
            generatedName,
            new EquatableArray<string>(constructor.Parameters.Select(p => p.Type.ToDisplayString(SymbolFormats.FullyQualified))),
            new EquatableArray<string>(contracts),
            EquatableArray<DiagnosticInfo>.Empty);

        HubModel Failed(DiagnosticDescriptor descriptor) => new(ns, fullName, generatedName, EquatableArray<string>.Empty, EquatableArray<string>.Empty,
            new EquatableArray<DiagnosticInfo>(new[] { DiagnosticInfo.Create(descriptor, location, name) }));
    }

    private static bool DerivesFromHub(INamedTypeSymbol symbol)
    {
        for (var type = symbol.BaseType; type is not null; type = type.BaseType)
        {
            if (type.ToDisplayString() == "Typed.SocketIO.SocketHub")
            {
                return true;
            }
        }

        return false;
    }

    private static string Qualified(INamespaceSymbol ns, string name) =>
        ns.IsGlobalNamespace ? "global::" + name : "global::" + ns.ToDisplayString() + "." + name;
}
