using System.Linq;
using Microsoft.CodeAnalysis;
using Typed.Generator.Model;

namespace Typed.Generator.Parsing;

/// <summary>Reads <c>[assembly: SocketContractDefaults]</c>; cheap, and equal from one edit to the next unless it changed.</summary>
internal static class DefaultsParser
{
    public static ContractDefaults Parse(Compilation compilation)
    {
        var known = KnownTypeSymbols.Get(compilation);
        var attribute = compilation.Assembly.GetAttributes()
            .FirstOrDefault(a => KnownTypeSymbols.IsAttribute(a, known.SocketContractDefaultsAttribute));
        if (attribute is null)
        {
            return new ContractDefaults(0, null);
        }

        var context = ContractParser.NamedType(attribute, "JsonContext");
        return new ContractDefaults(ContractParser.NamedInt(attribute, "NamingPolicy"), context?.ToDisplayString(SymbolFormats.FullyQualified));
    }
}
