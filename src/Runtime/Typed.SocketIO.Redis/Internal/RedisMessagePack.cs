using System.Text;
using Typed.SocketIO.Protocol.Internal;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>
/// Strict readers for the MessagePack messages other servers publish (notepack.io on the Node side). Everything on a
/// Redis channel is untrusted: every helper returns false on anything unexpected (a wrong type, a truncated value,
/// a count larger than the bytes left, nesting deeper than <see cref="MaxDepth"/>) and never throws.
/// </summary>
internal static class RedisMessagePack
{
    /// <summary>Deepest nesting walked in a message.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most entries read from a top-level map of a request or response.</summary>
    public const int MaxFields = 16;

    /// <summary>Most strings in a room list.</summary>
    public const int MaxStrings = 10_000;

    /// <summary>Steps over one value, containers included, checking every declared count against the bytes left.</summary>
    public static bool TrySkip(ref MessagePackSpanReader reader, int depth)
    {
        if (depth > MaxDepth || !reader.TryRead(out var token, out _))
        {
            return false;
        }

        if (token.Kind is not (MessagePackTokenKind.Array or MessagePackTokenKind.Map))
        {
            return true;
        }

        // Every element takes at least one byte: a larger count is a lie, refused before any loop runs.
        var elements = token.Kind == MessagePackTokenKind.Map ? 2L * token.Count : token.Count;
        if (elements > reader.Remaining)
        {
            return false;
        }

        for (long i = 0; i < elements; i++)
        {
            if (!TrySkip(ref reader, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads a map whose keys are strings into (key, value range) pairs, the ranges relative to
    /// <paramref name="buffer"/>. Duplicate keys and more than <see cref="MaxFields"/> entries are refused.
    /// </summary>
    public static bool TryReadMap(ReadOnlySpan<byte> buffer, out Dictionary<string, Range> fields)
    {
        fields = new Dictionary<string, Range>(StringComparer.Ordinal);
        var reader = new MessagePackSpanReader(buffer);
        if (!reader.TryRead(out var header, out _) || header.Kind != MessagePackTokenKind.Map || header.Count > MaxFields)
        {
            return false;
        }

        for (var i = 0; i < header.Count; i++)
        {
            if (!reader.TryRead(out var key, out _) || key.Kind != MessagePackTokenKind.String)
            {
                return false;
            }

            var name = Encoding.UTF8.GetString(buffer.Slice(key.Offset, key.Length));
            var start = reader.Position;
            if (!TrySkip(ref reader, 1) || !fields.TryAdd(name, start..reader.Position))
            {
                return false;
            }
        }

        return reader.End;
    }

    /// <summary>Reads an array's elements as value ranges; at most <paramref name="max"/> of them.</summary>
    public static bool TryReadArray(ReadOnlySpan<byte> buffer, int max, out List<Range> elements)
    {
        elements = [];
        var reader = new MessagePackSpanReader(buffer);
        if (!reader.TryRead(out var header, out _) || header.Kind != MessagePackTokenKind.Array || header.Count > max || header.Count > reader.Remaining)
        {
            return false;
        }

        for (var i = 0; i < header.Count; i++)
        {
            var start = reader.Position;
            if (!TrySkip(ref reader, 1))
            {
                return false;
            }

            elements.Add(start..reader.Position);
        }

        return reader.End;
    }

    /// <summary>Reads a value that must be a string.</summary>
    public static bool TryReadString(ReadOnlySpan<byte> value, out string text)
    {
        text = string.Empty;
        var reader = new MessagePackSpanReader(value);
        if (!reader.TryRead(out var token, out _) || token.Kind != MessagePackTokenKind.String || !reader.End)
        {
            return false;
        }

        text = Encoding.UTF8.GetString(value.Slice(token.Offset, token.Length));
        return true;
    }

    /// <summary>Reads a value that must be an integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static bool TryReadInteger(ReadOnlySpan<byte> value, long min, long max, out long number)
    {
        number = 0;
        var reader = new MessagePackSpanReader(value);
        if (!reader.TryRead(out var token, out _) || !reader.End)
        {
            return false;
        }

        // notepack writes whole doubles as integers, but a JavaScript number may still come as a float64.
        if (token.Kind == MessagePackTokenKind.Integer)
        {
            number = token.Integer;
        }
        else if (token.Kind is MessagePackTokenKind.Float64 or MessagePackTokenKind.Float32 && token.Float == Math.Floor(token.Float) && token.Float >= min && token.Float <= max)
        {
            number = (long)token.Float;
        }
        else
        {
            return false;
        }

        return number >= min && number <= max;
    }

    /// <summary>Reads a value that must be an array of strings (at most <see cref="MaxStrings"/>).</summary>
    public static bool TryReadStrings(ReadOnlySpan<byte> value, out string[] strings)
    {
        strings = [];
        if (!TryReadArray(value, MaxStrings, out var elements))
        {
            return false;
        }

        var result = new string[elements.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (!TryReadString(value[elements[i]], out result[i]))
            {
                return false;
            }
        }

        strings = result;
        return true;
    }

    /// <summary>Whether a value is <c>true</c> (false for anything else, nil and undefined included).</summary>
    public static bool IsTrue(ReadOnlySpan<byte> value) => value.Length == 1 && value[0] == 0xc3;
}
