using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO;

/// <summary>The JSON settings arguments are (de)serialized with: no reflection unless the application asks for it.</summary>
public static class SocketIOJson
{
    /// <summary>Options that know the built-in argument types (strings, numbers, booleans, <see cref="JsonElement"/>…).</summary>
    public static JsonSerializerOptions CreateDefaultOptions() => new() { TypeInfoResolver = SocketIOBuiltInJsonContext.Default };

    /// <summary>
    /// Options that know the types of <paramref name="context"/>, then the built-in ones, with the context's own
    /// settings (<c>[JsonSourceGenerationOptions]</c>: naming policy, number handling…): metadata used through other
    /// options takes those options' settings, so a camelCase context must not end up behind default options.
    /// </summary>
    public static JsonSerializerOptions CreateOptions(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new JsonSerializerOptions(context.Options) { TypeInfoResolver = JsonTypeInfoResolver.Combine(context, SocketIOBuiltInJsonContext.Default) };
    }
}

/// <summary>Source-generated metadata for the argument types every application may use.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(Guid))]
[JsonSerializable(typeof(DateTimeOffset))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
internal sealed partial class SocketIOBuiltInJsonContext : JsonSerializerContext;
