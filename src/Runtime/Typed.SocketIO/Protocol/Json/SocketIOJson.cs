using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Typed.SocketIO;

/// <summary>The JSON settings arguments are (de)serialized with: no reflection unless the application asks for it.</summary>
/// <remarks>
/// The options built here carry Typed's converters (<see cref="AddConverters"/>): <c>byte[]</c>,
/// <c>ReadOnlyMemory&lt;byte&gt;</c> and <c>Memory&lt;byte&gt;</c> anywhere in an argument travel as binary attachments, and
/// <see cref="DateTimeOffset"/>/<see cref="DateTime"/> are written as JavaScript's <c>Date.toJSON()</c> writes them.
/// </remarks>
public static class SocketIOJson
{
    /// <summary>Options that know the built-in argument types (strings, numbers, booleans, <see cref="JsonElement"/>…).</summary>
    public static JsonSerializerOptions CreateDefaultOptions() =>
        AddConverters(new JsonSerializerOptions { TypeInfoResolver = SocketIOBuiltInJsonContext.Default });

    /// <summary>
    /// Options that know the types of <paramref name="context"/>, then the built-in ones, with the context's own
    /// settings (<c>[JsonSourceGenerationOptions]</c>: naming policy, number handling…): metadata used through other
    /// options takes those options' settings, so a camelCase context must not end up behind default options.
    /// </summary>
    public static JsonSerializerOptions CreateOptions(JsonSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return AddConverters(new JsonSerializerOptions(context.Options) { TypeInfoResolver = JsonTypeInfoResolver.Combine(context, SocketIOBuiltInJsonContext.Default) });
    }

    /// <summary>
    /// Adds Typed's converters to options the application built itself (they are already in the options of
    /// <see cref="CreateOptions"/> and <see cref="CreateDefaultOptions"/>): binary values inside objects and collections
    /// become attachments of the packet, so a JavaScript peer sends and receives a <c>Buffer</c>/<c>ArrayBuffer</c>
    /// there (base64 strings outside a Socket.IO packet); dates are written as <c>Date.toJSON()</c> writes them, UTC
    /// with exactly three fraction digits (<c>2026-11-27T10:00:40.517Z</c>: sub-millisecond ticks are dropped), and
    /// read in that form or any ISO 8601 form with an offset. A converter already in the options for the same type
    /// keeps precedence. Works with source-generated metadata: no reflection.
    /// </summary>
    /// <returns><paramref name="options"/>, which must not be in use yet (options become read-only once used).</returns>
    public static JsonSerializerOptions AddConverters(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return SocketIOJsonConverters.AddTo(options);
    }
}
