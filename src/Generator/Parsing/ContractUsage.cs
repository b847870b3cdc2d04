using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>
/// Checks each place that needs a contract's generated code: <c>SocketHub&lt;TClient&gt;</c>, a hub's contracts, and
/// <c>CreateProxy&lt;T&gt;()</c> / <c>Register&lt;T&gt;(handler)</c> calls. The type must be a <c>[SocketContract]</c>
/// interface, and when it comes from a referenced assembly, that assembly must hold its generated class: the generator
/// cannot report in a project it does not run in, so the consuming project, where it does run, reports the missing code
/// at the line that needs it instead of failing at start-up.
/// </summary>
internal static class ContractUsage
{
    /// <summary>
    /// Syntactic filter of the call check: a member call named <c>CreateProxy</c> or <c>Register</c>. Unrelated calls of
    /// those names (<c>CancellationToken.Register</c>) pass it too and are dropped by the symbol check, which is cheap.
    /// </summary>
    public static bool IsCandidate(SyntaxNode node) =>
        node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CreateProxy" or "Register" } };

    /// <summary>The diagnostics of one <c>CreateProxy</c>/<c>Register</c> call; empty when it is not one of Typed's or is fine.</summary>
    public static EquatableArray<DiagnosticInfo> CheckCall(GeneratorSyntaxContext context, CancellationToken cancellationToken)
    {
        var known = KnownTypeSymbols.Get(context.SemanticModel.Compilation);
        var invocation = (InvocationExpressionSyntax)context.Node;
        if (context.SemanticModel.GetSymbolInfo(invocation, cancellationToken).Symbol is not IMethodSymbol { TypeArguments.Length: 1 } method
            || !KnownTypeSymbols.Is((method.ReducedFrom ?? method).ContainingType, known.SocketContractExtensions))
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        // At the type argument when it is written, else (inferred by Register) at the method name.
        var name = ((MemberAccessExpressionSyntax)invocation.Expression).Name;
        var span = name is GenericNameSyntax { TypeArgumentList.Arguments: { Count: 1 } arguments } ? arguments[0].Span : name.Span;
        var contract = method.TypeArguments[0];
        var diagnostics = new List<DiagnosticInfo>();
        Check(contract, new SourceAnchor(invocation.SyntaxTree, span), method.Name + "<" + contract.ToDisplayString() + ">()",
            context.SemanticModel.Compilation, known, diagnostics);
        return new EquatableArray<DiagnosticInfo>(diagnostics);
    }

    /// <summary>Adds TYPED032 when <paramref name="type"/> is not a contract, TYPED034 when its generated code is missing.</summary>
    public static void Check(ITypeSymbol type, SourceAnchor anchor, string user, Compilation compilation, KnownTypeSymbols known, List<DiagnosticInfo> diagnostics)
    {
        if (type is not INamedTypeSymbol { TypeKind: TypeKind.Interface } contract
            || !contract.GetAttributes().Any(a => KnownTypeSymbols.IsAttribute(a, known.SocketContractAttribute)))
        {
            // An unresolved type is the compiler's error already.
            if (type.TypeKind != TypeKind.Error)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotAContract, anchor, type.ToDisplayString(), user));
            }

            return;
        }

        // A contract of this compilation is generated (or reported) by this very run.
        if (SymbolEqualityComparer.Default.Equals(contract.ContainingAssembly, compilation.Assembly))
        {
            return;
        }

        var generated = GeneratedClassMetadataName(contract);
        if (contract.ContainingAssembly.GetTypeByMetadataName(generated) is not { } companion || !compilation.IsSymbolAccessibleWithin(companion, compilation.Assembly))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContractWithoutGeneratedCode, anchor,
                contract.ToDisplayString(), contract.ContainingAssembly.Name, generated));
        }
    }

    /// <summary>The metadata name of the class the generator writes beside a contract (<c>N.ChatServerSocketContract</c>).</summary>
    private static string GeneratedClassMetadataName(INamedTypeSymbol contract)
    {
        var name = ContractParser.GeneratedClassName(contract, "SocketContract");
        return contract.ContainingNamespace.IsGlobalNamespace ? name : contract.ContainingNamespace.ToDisplayString() + "." + name;
    }
}
