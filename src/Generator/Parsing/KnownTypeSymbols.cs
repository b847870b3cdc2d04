using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Typed.Generator.Parsing;

/// <summary>
/// The types the parsers recognise, looked up once per compilation and compared with
/// <see cref="SymbolEqualityComparer.Default"/>: a symbol comparison is exact where a display string is not (a user
/// type named <c>Typed.SocketEventAttribute</c> in another assembly, or display options, would fool a string), and it
/// costs no string formatting per member. A type the compilation cannot see is null and then matches nothing.
/// </summary>
internal sealed class KnownTypeSymbols
{
    // Every transform of one generator run shares the compilation, so they share one lookup; the entry goes with it.
    private static readonly ConditionalWeakTable<Compilation, KnownTypeSymbols> s_cache = new();

    private KnownTypeSymbols(Compilation compilation)
    {
        SocketContractAttribute = compilation.GetTypeByMetadataName("Typed.SocketContractAttribute");
        SocketEventAttribute = compilation.GetTypeByMetadataName("Typed.SocketEventAttribute");
        AckTimeoutAttribute = compilation.GetTypeByMetadataName("Typed.AckTimeoutAttribute");
        SocketContractDefaultsAttribute = compilation.GetTypeByMetadataName("Typed.SocketContractDefaultsAttribute");
        SocketHub = compilation.GetTypeByMetadataName("Typed.SocketIO.SocketHub");
        SocketHubOfT = compilation.GetTypeByMetadataName("Typed.SocketIO.SocketHub`1");
        SocketContractExtensions = compilation.GetTypeByMetadataName("Typed.SocketIO.SocketContractExtensions");
        JsonSerializerContext = compilation.GetTypeByMetadataName("System.Text.Json.Serialization.JsonSerializerContext");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        ValueTask = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask");
        ValueTaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.ValueTask`1");
        ReadOnlyMemoryOfT = compilation.GetTypeByMetadataName("System.ReadOnlyMemory`1");
        AsyncEnumerableOfT = compilation.GetTypeByMetadataName("System.Collections.Generic.IAsyncEnumerable`1");
        Stream = compilation.GetTypeByMetadataName("System.IO.Stream");
    }

    public INamedTypeSymbol? SocketContractAttribute { get; }

    public INamedTypeSymbol? SocketEventAttribute { get; }

    public INamedTypeSymbol? AckTimeoutAttribute { get; }

    public INamedTypeSymbol? SocketContractDefaultsAttribute { get; }

    /// <summary>The non-generic hub base: <c>SocketHub&lt;TClient&gt;</c> derives from it, and the runtime maps either.</summary>
    public INamedTypeSymbol? SocketHub { get; }

    /// <summary><c>SocketHub&lt;TClient&gt;</c>: its argument is the contract of the events the server sends.</summary>
    public INamedTypeSymbol? SocketHubOfT { get; }

    /// <summary>Where <c>CreateProxy&lt;T&gt;()</c> and <c>Register&lt;T&gt;(handler)</c> live.</summary>
    public INamedTypeSymbol? SocketContractExtensions { get; }

    public INamedTypeSymbol? JsonSerializerContext { get; }

    public INamedTypeSymbol? CancellationToken { get; }

    public INamedTypeSymbol? Task { get; }

    public INamedTypeSymbol? TaskOfT { get; }

    public INamedTypeSymbol? ValueTask { get; }

    public INamedTypeSymbol? ValueTaskOfT { get; }

    public INamedTypeSymbol? ReadOnlyMemoryOfT { get; }

    public INamedTypeSymbol? AsyncEnumerableOfT { get; }

    public INamedTypeSymbol? Stream { get; }

    public static KnownTypeSymbols Get(Compilation compilation) => s_cache.GetValue(compilation, static c => new KnownTypeSymbols(c));

    /// <summary>Whether <paramref name="type"/> is <paramref name="known"/>; false when the compilation lacks it.</summary>
    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known) =>
        known is not null && SymbolEqualityComparer.Default.Equals(type, known);

    /// <summary>Whether <paramref name="type"/> is a construction of the generic <paramref name="definition"/>.</summary>
    public static bool IsConstructedFrom(ITypeSymbol? type, INamedTypeSymbol? definition) =>
        type is INamedTypeSymbol named && Is(named.OriginalDefinition, definition);

    /// <summary>Whether <paramref name="type"/> is <paramref name="baseType"/> or derives from it.</summary>
    public static bool DerivesFrom(ITypeSymbol? type, INamedTypeSymbol? baseType)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Is(current, baseType))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="attribute"/> is an application of <paramref name="attributeType"/>.</summary>
    public static bool IsAttribute(AttributeData attribute, INamedTypeSymbol? attributeType) => Is(attribute.AttributeClass, attributeType);
}
