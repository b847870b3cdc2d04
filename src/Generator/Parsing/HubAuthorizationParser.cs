using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>
/// Reads ASP.NET Core's authorization attributes on a hub class and on the methods implementing its contracts. They
/// are recognised by metadata name, as ASP.NET Core recognises them by interface: any attribute implementing
/// <c>Microsoft.AspNetCore.Authorization.IAuthorizeData</c> (<c>[Authorize]</c> and derived attributes) or
/// <c>IAllowAnonymous</c> (<c>[AllowAnonymous]</c>). So the generator needs no reference to ASP.NET Core.
/// </summary>
internal static class HubAuthorizationParser
{
    private const string AuthorizeData = "Microsoft.AspNetCore.Authorization.IAuthorizeData";
    private const string AllowAnonymous = "Microsoft.AspNetCore.Authorization.IAllowAnonymous";

    public static HubAuthorizationModel? Parse(INamedTypeSymbol hub, IReadOnlyList<INamedTypeSymbol> contracts, KnownTypeSymbols known)
    {
        // The class's attributes, and those its base classes pass on (AuthorizeAttribute is Inherited), as MVC reads
        // a controller's.
        var hubData = new List<string>();
        var hubAnonymous = false;
        for (var type = hub; type is not null && !IsHubBase(type, known); type = type.BaseType)
        {
            foreach (var attribute in type.GetAttributes())
            {
                Read(attribute, hubData, ref hubAnonymous, inheritedOnly: !SymbolEqualityComparer.Default.Equals(type, hub));
            }
        }

        var methods = new List<HubMethodAuthorizationModel>();
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var contract in contracts)
        {
            var policy = NamingPolicy(contract, known);
            foreach (var iface in new[] { contract }.Concat(contract.AllInterfaces))
            {
                foreach (var method in iface.GetMembers().OfType<IMethodSymbol>().Where(m => m.MethodKind == MethodKind.Ordinary && !m.IsStatic))
                {
                    if (hub.FindImplementationForInterfaceMember(method) is not IMethodSymbol implementation)
                    {
                        continue;
                    }

                    var data = new List<string>();
                    var anonymous = false;
                    foreach (var attribute in implementation.GetAttributes())
                    {
                        Read(attribute, data, ref anonymous, inheritedOnly: false);
                    }

                    var eventName = EventName(method, policy, known);
                    if ((data.Count > 0 || anonymous) && seen.Add(eventName))
                    {
                        methods.Add(new HubMethodAuthorizationModel(eventName, anonymous, new EquatableArray<string>(data)));
                    }
                }
            }
        }

        return hubData.Count == 0 && !hubAnonymous && methods.Count == 0
            ? null
            : new HubAuthorizationModel(new EquatableArray<string>(hubData), hubAnonymous, new EquatableArray<HubMethodAuthorizationModel>(methods));
    }

    private static void Read(AttributeData attribute, List<string> data, ref bool anonymous, bool inheritedOnly)
    {
        if (attribute.AttributeClass is not { } type || (inheritedOnly && !IsInherited(type)))
        {
            return;
        }

        if (Implements(type, AllowAnonymous))
        {
            anonymous = true;
        }

        if (Implements(type, AuthorizeData))
        {
            data.Add(Construct(attribute, type));
        }
    }

    /// <summary><c>new global::…AuthorizeAttribute("policy") { Roles = "admin" }</c>: the attribute as written.</summary>
    private static string Construct(AttributeData attribute, INamedTypeSymbol type)
    {
        var arguments = string.Join(", ", attribute.ConstructorArguments.Select(a => a.ToCSharpString()));
        var named = string.Join(", ", attribute.NamedArguments.Select(a => a.Key + " = " + a.Value.ToCSharpString()));
        var expression = "new " + type.ToDisplayString(SymbolFormats.FullyQualified) + "(" + arguments + ")";
        return named.Length == 0 ? expression : expression + " { " + named + " }";
    }

    private static bool Implements(INamedTypeSymbol type, string metadataName) =>
        type.AllInterfaces.Any(i => i.ToDisplayString() == metadataName);

    /// <summary>Whether the attribute passes to derived classes (<c>AttributeUsage(Inherited = …)</c>, true by default).</summary>
    private static bool IsInherited(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            var usage = current.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "System.AttributeUsageAttribute");
            if (usage is not null)
            {
                var inherited = usage.NamedArguments.FirstOrDefault(a => a.Key == "Inherited").Value;
                return inherited.Value is not false;
            }
        }

        return true;
    }

    private static bool IsHubBase(INamedTypeSymbol type, KnownTypeSymbols known) =>
        KnownTypeSymbols.Is(type, known.SocketHub) || KnownTypeSymbols.IsConstructedFrom(type, known.SocketHubOfT);

    /// <summary>The naming policy the contract's generated code used: its own, else its assembly's default, else as written.</summary>
    private static int NamingPolicy(INamedTypeSymbol contract, KnownTypeSymbols known)
    {
        var attribute = contract.GetAttributes().FirstOrDefault(a => KnownTypeSymbols.IsAttribute(a, known.SocketContractAttribute));
        var own = attribute is null ? 0 : ContractParser.NamedInt(attribute, "NamingPolicy");
        if (own != 0)
        {
            return own;
        }

        var defaults = contract.ContainingAssembly.GetAttributes().FirstOrDefault(a => KnownTypeSymbols.IsAttribute(a, known.SocketContractDefaultsAttribute));
        var assembly = defaults is null ? 0 : ContractParser.NamedInt(defaults, "NamingPolicy");
        return assembly != 0 ? assembly : EventNaming.AsWritten;
    }

    /// <summary>The event name, as ContractResolver names it: <c>[SocketEvent("…")]</c>, else the naming policy.</summary>
    private static string EventName(IMethodSymbol method, int policy, KnownTypeSymbols known) =>
        method.GetAttributes()
            .FirstOrDefault(a => KnownTypeSymbols.IsAttribute(a, known.SocketEventAttribute))?
            .ConstructorArguments.FirstOrDefault().Value as string
        ?? EventNaming.Apply(method.Name, policy);
}
