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
