using System.Text.Json.Serialization;
using Typed.Shared;
using Xunit;

namespace Typed.SocketIO.Tests;

/// <summary>
/// The lists the generator and the runtime share (src/Abstractions/Shared) agree with what the runtime does: the
/// generator trusts them to decide TYPED007 and TYPED020.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SharedNameListTests
{
    [Fact]
    public void Every_reserved_name_is_refused_by_the_packet_rules_and_no_other()
    {
        foreach (var name in SocketIOReservedNames.EventNames)
        {
            Assert.True(SocketIOPacketRules.IsReservedEventName(name), name);
        }

        Assert.False(SocketIOPacketRules.IsReservedEventName("message"));
        Assert.False(SocketIOPacketRules.IsReservedEventName("Connect"));
    }

    [Fact]
    public void The_built_in_type_list_is_exactly_what_the_built_in_json_context_declares()
    {
        // JsonSerializableAttribute keeps its type argument only in the attribute data.
        var declared = typeof(SocketIOBuiltInJsonContext).CustomAttributes
            .Where(d => d.AttributeType == typeof(JsonSerializableAttribute))
            .Select(d => CSharpName((Type)d.ConstructorArguments[0].Value!))
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(SocketIOBuiltInJsonTypes.TypeNames.OrderBy(n => n, StringComparer.Ordinal).ToArray(), declared);
    }

    /// <summary>A type as Roslyn's fully qualified format writes it: keywords for special types, global:: otherwise.</summary>
    private static string CSharpName(Type type)
    {
        if (type.IsArray)
        {
            return CSharpName(type.GetElementType()!) + "[]";
        }

        var keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.String => "string",
            TypeCode.Boolean => "bool",
            TypeCode.Int32 => "int",
            TypeCode.Int64 => "long",
            TypeCode.Double => "double",
            TypeCode.Single => "float",
            TypeCode.Decimal => "decimal",
            _ => null,
        };
        if (keyword is not null && !type.IsEnum)
        {
            return keyword;
        }

        if (!type.IsGenericType)
        {
            return "global::" + type.FullName;
        }

        var name = type.GetGenericTypeDefinition().FullName!;
        name = name[..name.IndexOf('`')];
        return "global::" + name + "<" + string.Join(", ", type.GetGenericArguments().Select(CSharpName)) + ">";
    }
}
