using System.Globalization;

namespace Typed.SocketIO.Redis.Internal;

/// <summary>A Redis stream entry id, <c>milliseconds-sequence</c>: what the streams adapter uses as a replay offset.</summary>
internal readonly record struct RedisStreamId(ulong Milliseconds, ulong Sequence) : IComparable<RedisStreamId>
{
    public static RedisStreamId Zero => default;

    /// <summary>Strict: digits, one dash, digits (Node's <c>/^[0-9]+-[0-9]+$/</c>), each part within 64 bits.</summary>
    public static bool TryParse(string? text, out RedisStreamId id)
    {
        id = default;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (dash <= 0 || dash == text!.Length - 1)
        {
            return false;
        }

        if (!ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !ulong.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        id = new RedisStreamId(milliseconds, sequence);
        return true;
    }

    public int CompareTo(RedisStreamId other)
    {
        var byTime = Milliseconds.CompareTo(other.Milliseconds);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }

    public static bool operator <(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) < 0;

    public static bool operator >(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) > 0;

    public static bool operator <=(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(RedisStreamId left, RedisStreamId right) => left.CompareTo(right) >= 0;

    public override string ToString() =>
        Milliseconds.ToString(CultureInfo.InvariantCulture) + "-" + Sequence.ToString(CultureInfo.InvariantCulture);
}
