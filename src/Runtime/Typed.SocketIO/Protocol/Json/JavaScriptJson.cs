using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Typed.SocketIO.Protocol;

/// <summary>
/// Writes JSON byte for byte as JavaScript's <c>JSON.stringify</c> does: its string escaping (through
/// <see cref="JavaScriptJsonEncoder"/>) and its number text (<c>1</c> not <c>1.0</c>, <c>1e+21</c> not <c>1E+21</c>,
/// <c>0.000001</c>, <c>1e-7</c>, <c>null</c> for NaN and infinities). Socket.IO peers compare re-emitted payloads as
/// exact strings, so the bytes matter, not only the values.
/// </summary>
public static class JavaScriptJson
{
    /// <summary>The longest text <see cref="FormatNumber"/> writes (<c>-0.0000012345678901234567</c> is 25).</summary>
    public const int MaxNumberLength = 32;

    private const byte Quote = (byte)'"';

    /// <summary>Options for a <see cref="Utf8JsonWriter"/> that writes <c>JSON.stringify</c>'s bytes: compact, JS escaping.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptJsonEncoder.Instance, Indented = false };

    /// <summary>Writes a number as <c>JSON.stringify</c> does (NaN and infinities become <c>null</c>).</summary>
    public static void WriteNumber(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteNullValue();
            return;
        }

        Span<byte> text = stackalloc byte[MaxNumberLength];
        var length = FormatNumber(value, text);
        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    /// <summary>
    /// Formats <paramref name="value"/> as ECMAScript's Number::toString does (the shortest digits that round-trip, then
    /// JavaScript's choice between plain and exponent notation); NaN and infinities as <c>null</c>, as JSON.stringify.
    /// </summary>
    /// <returns>The number of bytes written; <paramref name="destination"/> needs <see cref="MaxNumberLength"/>.</returns>
    public static int FormatNumber(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value))
        {
            "null"u8.CopyTo(destination);
            return 4;
        }

        if (value == 0)
        {
            destination[0] = (byte)'0'; // -0 too: JSON.stringify(-0) is "0"
            return 1;
        }

        // .NET's round-trip format gives the same shortest digits as JavaScript; only the layout differs.
        Span<byte> roundTrip = stackalloc byte[MaxNumberLength];
        value.TryFormat(roundTrip, out var roundTripLength, "R", CultureInfo.InvariantCulture);
        roundTrip = roundTrip[..roundTripLength];

        Span<byte> digits = stackalloc byte[MaxNumberLength];
        var digitCount = 0;
        var integerDigits = -1;
        var position = value < 0 ? 1 : 0;
        for (; position < roundTrip.Length; position++)
        {
            var c = roundTrip[position];
            if (c == '.')
            {
                integerDigits = digitCount;
            }
            else if (c is (byte)'E' or (byte)'e')
            {
                break;
            }
            else
            {
                digits[digitCount++] = c;
            }
        }

        if (integerDigits < 0)
        {
            integerDigits = digitCount;
        }

        var exponent = 0;
        if (position < roundTrip.Length)
        {
            exponent = int.Parse(roundTrip[(position + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        // value = 0.d1d2…dk × 10^n with d1 ≠ 0 and dk ≠ 0 (ECMAScript's k and n).
        var leading = 0;
        while (digits[leading] == '0')
        {
            leading++;
        }

        var k = digitCount - leading;
        while (digits[leading + k - 1] == '0')
        {
            k--;
        }

        var s = digits.Slice(leading, k);
        var n = integerDigits + exponent - leading;

        var written = 0;
        if (value < 0)
        {
            destination[written++] = (byte)'-';
        }

        if (k <= n && n <= 21)
        {
            s.CopyTo(destination[written..]);
            written += k;
            destination.Slice(written, n - k).Fill((byte)'0');
            written += n - k;
        }
        else if (0 < n && n <= 21)
        {
            s[..n].CopyTo(destination[written..]);
            written += n;
            destination[written++] = (byte)'.';
            s[n..].CopyTo(destination[written..]);
            written += k - n;
        }
        else if (-6 < n && n <= 0)
        {
            destination[written++] = (byte)'0';
            destination[written++] = (byte)'.';
            destination.Slice(written, -n).Fill((byte)'0');
            written += -n;
            s.CopyTo(destination[written..]);
            written += k;
        }
        else
        {
            destination[written++] = s[0];
            if (k > 1)
            {
                destination[written++] = (byte)'.';
                s[1..].CopyTo(destination[written..]);
                written += k - 1;
            }

            destination[written++] = (byte)'e';
            var e = n - 1;
            destination[written++] = e < 0 ? (byte)'-' : (byte)'+';
            Math.Abs(e).TryFormat(destination[written..], out var exponentLength, default, CultureInfo.InvariantCulture);
            written += exponentLength;
        }

        return written;
    }

    /// <summary>
    /// Writes UTF-8 text as a quoted JSON string with <c>JSON.stringify</c>'s escaping. Invalid UTF-8 becomes U+FFFD,
    /// one per maximal invalid subsequence, exactly as Node's <c>buffer.toString("utf8")</c> decodes it.
    /// </summary>
    internal static void WriteString(PooledByteBufferWriter output, ReadOnlySpan<byte> utf8)
    {
        output.Write(Quote);
        var valid = Utf8.IsValid(utf8);
        while (!utf8.IsEmpty)
        {
            var index = utf8.IndexOfAny(JavaScriptJsonEncoder.BytesToEscape);
            var run = index < 0 ? utf8 : utf8[..index];
            if (valid)
            {
                output.Write(run);
            }
            else
            {
                // Escapes are ASCII, and ASCII always ends an invalid sequence, so runs can be repaired separately.
                WriteReplacingInvalid(output, run);
            }

            if (index < 0)
            {
                break;
            }

            WriteEscape(output, utf8[index]);
            utf8 = utf8[(index + 1)..];
        }

        output.Write(Quote);
    }

    private static void WriteEscape(PooledByteBufferWriter output, byte b)
    {
        Span<char> chars = stackalloc char[6];
        JavaScriptJsonEncoder.TryEncodeScalar(b, chars, out var count);
        var span = output.GetSpan(count);
        for (var i = 0; i < count; i++)
        {
            span[i] = (byte)chars[i];
        }

        output.Advance(count);
    }

    private static void WriteReplacingInvalid(PooledByteBufferWriter output, ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(utf8, out _, out var consumed);
            if (status == OperationStatus.Done)
            {
                output.Write(utf8[..consumed]);
            }
            else
            {
                output.Write("\uFFFD"u8);
            }

            utf8 = utf8[consumed..];
        }
    }
}
