namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// Formats a JavaScript <c>Date</c> (milliseconds since the Unix epoch) as <c>Date.prototype.toISOString</c> does,
/// which is what <c>JSON.stringify</c> writes for it: <c>2024-01-02T03:04:05.678Z</c>, with a signed six-digit year
/// outside 0000–9999 (<c>+275760-09-13T00:00:00.000Z</c>, <c>-000001-12-31T…</c>). The whole JavaScript range is
/// covered (±8.64e15 ms, wider than <see cref="DateTime"/>), so this uses the proleptic Gregorian calendar directly.
/// </summary>
internal static class JavaScriptDate
{
    /// <summary>The largest time value a JavaScript Date holds; beyond it the Date is invalid and JSON writes <c>null</c>.</summary>
    public const long MaxTimeValue = 8_640_000_000_000_000;

    /// <summary>The longest text written: <c>"+275760-09-13T00:00:00.000Z"</c> with its quotes.</summary>
    public const int MaxQuotedLength = 29;

    private const long MillisecondsPerDay = 86_400_000;

    /// <summary>Writes the quoted ISO string, or <c>null</c> for an invalid date, and returns the byte count.</summary>
    public static int FormatQuoted(long milliseconds, Span<byte> destination)
    {
        if (milliseconds is > MaxTimeValue or < -MaxTimeValue)
        {
            "null"u8.CopyTo(destination);
            return 4;
        }

        var days = Math.DivRem(milliseconds, MillisecondsPerDay, out var msOfDay);
        if (msOfDay < 0)
        {
            days--;
            msOfDay += MillisecondsPerDay;
        }

        var (year, month, day) = CivilFromDays(days);
        var written = 0;
        destination[written++] = (byte)'"';
        if (year is >= 0 and <= 9999)
        {
            written += WriteDigits(destination[written..], year, 4);
        }
        else
        {
            destination[written++] = year < 0 ? (byte)'-' : (byte)'+';
            written += WriteDigits(destination[written..], Math.Abs(year), 6);
        }

        destination[written++] = (byte)'-';
        written += WriteDigits(destination[written..], month, 2);
        destination[written++] = (byte)'-';
        written += WriteDigits(destination[written..], day, 2);
        destination[written++] = (byte)'T';
        written += WriteDigits(destination[written..], (int)(msOfDay / 3_600_000), 2);
        destination[written++] = (byte)':';
        written += WriteDigits(destination[written..], (int)(msOfDay / 60_000 % 60), 2);
        destination[written++] = (byte)':';
        written += WriteDigits(destination[written..], (int)(msOfDay / 1000 % 60), 2);
        destination[written++] = (byte)'.';
        written += WriteDigits(destination[written..], (int)(msOfDay % 1000), 3);
        destination[written++] = (byte)'Z';
        destination[written++] = (byte)'"';
        return written;
    }

    /// <summary>Howard Hinnant's <c>civil_from_days</c>: day 0 is 1970-01-01.</summary>
    private static (long Year, int Month, int Day) CivilFromDays(long days)
    {
        days += 719_468;
        var era = (days >= 0 ? days : days - 146_096) / 146_097;
        var dayOfEra = days - (era * 146_097);
        var yearOfEra = (dayOfEra - (dayOfEra / 1460) + (dayOfEra / 36_524) - (dayOfEra / 146_096)) / 365;
        var dayOfYear = dayOfEra - ((365 * yearOfEra) + (yearOfEra / 4) - (yearOfEra / 100));
        var mp = ((5 * dayOfYear) + 2) / 153;
        var day = (int)(dayOfYear - (((153 * mp) + 2) / 5) + 1);
        var month = (int)(mp < 10 ? mp + 3 : mp - 9);
        var year = yearOfEra + (era * 400) + (month <= 2 ? 1 : 0);
        return (year, month, day);
    }

    private static int WriteDigits(Span<byte> destination, long value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return width;
    }
}
