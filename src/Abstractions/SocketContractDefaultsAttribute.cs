namespace Typed;

/// <summary>Assembly-wide defaults for the <see cref="SocketContractAttribute"/> contracts declared in the assembly.</summary>
/// <example><c>[assembly: SocketContractDefaults(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(AppJson))]</c></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class SocketContractDefaultsAttribute : Attribute
{
    /// <summary>The naming policy of contracts that do not set their own.</summary>
    public EventNamingPolicy NamingPolicy { get; set; }

    /// <summary>The <c>JsonSerializerContext</c> of contracts that do not set their own.</summary>
    public Type? JsonContext { get; set; }
}
