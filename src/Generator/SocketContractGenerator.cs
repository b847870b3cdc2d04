using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Typed.Generator.Emitting;
using Typed.Generator.Model;
using Typed.Generator.Parsing;

namespace Typed.Generator;

/// <summary>
/// Turns <c>[SocketContract]</c> interfaces into emitter proxies, handler binders and typed broadcasts, and
/// <c>SocketHub</c> classes into reflection-free factories. Only equatable models flow between the steps, so an edit
/// regenerates only the files whose inputs changed.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SocketContractGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (for incremental tests).</summary>
    public static class TrackingNames
    {
        /// <summary>Each contract's parsed model.</summary>
        public const string Contracts = nameof(Contracts);

        /// <summary>The assembly's defaults.</summary>
        public const string Defaults = nameof(Defaults);

        /// <summary>Every JSON context's known types.</summary>
        public const string JsonContexts = nameof(JsonContexts);

        /// <summary>Each contract with names and JSON context decided.</summary>
        public const string Resolved = nameof(Resolved);

        /// <summary>Each hub's model.</summary>
        public const string Hubs = nameof(Hubs);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var contracts = context.SyntaxProvider.ForAttributeWithMetadataName(
                "Typed.SocketContractAttribute",
                static (node, _) => node is TypeDeclarationSyntax,
                ContractParser.Parse)
            .WithTrackingName(TrackingNames.Contracts);

        var defaults = context.CompilationProvider
            .Select(static (compilation, _) => DefaultsParser.Parse(compilation))
            .WithTrackingName(TrackingNames.Defaults);

        var jsonContexts = context.SyntaxProvider.ForAttributeWithMetadataName(
                "System.Text.Json.Serialization.JsonSerializableAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                JsonContextParser.Parse)
            .Collect()
            .Select(static (models, _) => new EquatableArray<JsonContextModel>(models.OrderBy(m => m.FullyQualifiedName, System.StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.JsonContexts);

        var resolved = contracts
            .Combine(defaults)
            .Combine(jsonContexts)
            .Select(static (input, _) => ContractResolver.Resolve(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Resolved);

        context.RegisterSourceOutput(resolved, static (output, contract) =>
        {
            foreach (var diagnostic in contract.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (contract.Contract is { Events.Count: > 0 } model)
            {
                output.AddSource(HintName(model.Namespace, model.GeneratedClassName), ContractEmitter.Emit(contract));
            }
        });

        var hubs = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => HubParser.IsCandidate(node),
                HubParser.Parse)
            .Where(static hub => hub is not null)
            .Select(static (hub, _) => hub!)
            .WithTrackingName(TrackingNames.Hubs);

        context.RegisterSourceOutput(hubs, static (output, hub) =>
        {
            foreach (var diagnostic in hub.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (hub.Diagnostics.Count == 0)
            {
                output.AddSource(HintName(hub.Namespace, hub.GeneratedClassName), HubEmitter.Emit(hub));
            }
        });
    }

    private static string HintName(string? ns, string name) => (ns is null ? name : ns + "." + name) + ".g.cs";
}
