using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Typed.Generator.Emitting;
using Typed.Generator.Model;
using Typed.Generator.Parsing;

namespace Typed.Generator;

/// <summary>
/// Turns <c>[SocketContract]</c> interfaces into emitter proxies, handler binders and typed broadcasts, and
/// <c>SocketHub</c> classes into reflection-free factories, and reports wiring mistakes (a hub or a
/// <c>CreateProxy</c>/<c>Register</c> call whose contract is not one, or whose generated code is missing) where they are.
/// </summary>
/// <remarks>
/// Each input splits into two branches, as System.Text.Json's generator does. The generation branch carries only
/// position-free equatable models, so moving code (a blank line above a contract) leaves them equal and regenerates
/// nothing. The diagnostics branch carries the syntax tree and span of each diagnostic and re-creates a tree location
/// when reporting, which is what lets <c>#pragma warning disable</c> and <c>.editorconfig</c> severities apply; it
/// re-runs only when a diagnostic or its position changed.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed partial class SocketContractGenerator : IIncrementalGenerator
{
    // Not among the public TrackingNames: the TypeScript step is opt-in and its tests read it by this name.
    private const string TypeScriptMapsTrackingName = "TypeScriptMaps";

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

        var models = contracts
            .Select(static (parsed, _) => parsed.CanGenerate ? parsed.Contract : null)
            .WithTrackingName(TrackingNames.ContractModels)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!);

        var resolved = models
            .Combine(defaults)
            .Combine(jsonContexts)
            .Select(static (input, _) => ContractResolver.Resolve(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.Resolved);

        context.RegisterSourceOutput(resolved, static (output, contract) =>
        {
            if (contract.Contract is { Events.Count: > 0 } model)
            {
                output.AddSource(HintName(model.Namespace, model.GeneratedClassName), ContractEmitter.Emit(contract));
            }
        });

        var contractDiagnostics = contracts
            .Combine(defaults)
            .Combine(jsonContexts)
            .Select(static (input, _) => ContractDiagnostics.Collect(input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.ContractDiagnostics);

        context.RegisterSourceOutput(contractDiagnostics, static (output, diagnostics) => Report(output, diagnostics));

        var hubs = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => HubParser.IsCandidate(node),
                HubParser.Parse)
            .WithTrackingName(TrackingNames.HubCandidates)
            .Where(static hub => hub is not null)
            .Select(static (hub, _) => hub!);

        var hubModels = hubs
            .Select(static (hub, _) => hub.Hub)
            .Where(static hub => hub is not null)
            .Select(static (hub, _) => hub!)
            .WithTrackingName(TrackingNames.Hubs);

        context.RegisterSourceOutput(hubModels, static (output, hub) =>
            output.AddSource(HintName(hub.Namespace, hub.GeneratedClassName), HubEmitter.Emit(hub)));

        var hubDiagnostics = hubs
            .Select(static (hub, _) => hub.Diagnostics)
            .WithTrackingName(TrackingNames.HubDiagnostics);

        context.RegisterSourceOutput(hubDiagnostics, static (output, diagnostics) => Report(output, diagnostics));

        // TypeScript event maps, per hub, only when the project sets TypedTypeScriptOutputPath (docs/typescript.md).
        var typeScriptEnabled = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => options.GlobalOptions.TryGetValue(TypeScriptMaps.OutputPathProperty, out var path) && !string.IsNullOrWhiteSpace(path));
        var typeScript = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => HubParser.IsCandidate(node),
                TypeScriptMaps.Create)
            .Where(static file => file is not null)
            .Select(static (file, _) => file!)
            .WithTrackingName(TypeScriptMapsTrackingName)
            .Combine(typeScriptEnabled);

        context.RegisterSourceOutput(typeScript, static (output, input) =>
        {
            if (input.Right)
            {
                output.AddSource(input.Left.HintName, TypeScriptMaps.ToSource(input.Left));
            }
        });

        var usageDiagnostics = context.SyntaxProvider.CreateSyntaxProvider(
                static (node, _) => ContractUsage.IsCandidate(node),
                ContractUsage.CheckCall)
            .WithTrackingName(TrackingNames.UsageDiagnostics);

        context.RegisterSourceOutput(usageDiagnostics, static (output, diagnostics) => Report(output, diagnostics));
    }

    private static void Report(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }

    private static string HintName(string? ns, string name) => (ns is null ? name : ns + "." + name) + ".g.cs";
}
