using System.Text.Json;
using System.Text.Json.Serialization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>The converters every options Typed builds carry: binary as attachments, dates as JavaScript writes them.</summary>
internal static class SocketIOJsonConverters
{
    private static readonly JsonConverter[] s_all =
    [
        SocketIOByteArrayConverter.Instance,
        SocketIOReadOnlyMemoryConverter.Instance,
        SocketIOMemoryConverter.Instance,
        JavaScriptDateTimeOffsetConverter.Instance,
        JavaScriptDateTimeConverter.Instance,
    ];

    /// <summary>
    /// Appends the converters <paramref name="options"/> lacks. Appended, not inserted: the first converter that can
    /// convert a type wins, so a converter the application registered for the same type keeps precedence.
    /// </summary>
    public static JsonSerializerOptions AddTo(JsonSerializerOptions options)
    {
        foreach (var converter in s_all)
        {
            if (!options.Converters.Contains(converter))
            {
                options.Converters.Add(converter);
            }
        }

        return options;
    }
}
