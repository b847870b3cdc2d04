using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// A <see cref="JavaScriptEncoder"/> that escapes exactly what JavaScript's <c>JSON.stringify</c> escapes: <c>"</c>,
/// <c>\</c> and the control characters below U+0020 (<c>\b \t \n \f \r</c>, else <c>\u00XX</c> in lowercase hex).
/// Everything else is written as it is: <c>&lt; &gt; &amp; '</c>, DEL, U+2028/2029, non-ASCII and emoji. Socket.IO
/// peers compare re-emitted packets as exact strings, and the built-in encoders all escape more (and in uppercase).
/// </summary>
/// <remarks>
/// One difference cannot be avoided: <c>JSON.stringify</c> writes a lone surrogate as <c>\udXXX</c>, but
/// System.Text.Json replaces it with U+FFFD before an encoder sees it. This encoder writes that U+FFFD as it is, the
/// same thing Node's UTF-8 encoder (and so the MessagePack parser) sends for a lone surrogate.
/// </remarks>
internal sealed class JavaScriptJsonEncoder : JavaScriptEncoder
{
    /// <summary>Characters the UTF-16 scan stops at: the escaped ASCII ones and every surrogate (pairs are skipped).</summary>
    private static readonly SearchValues<char> s_charsToInspect = SearchValues.Create(CharsToInspect());

    /// <summary>Bytes that need an escape in UTF-8 text.</summary>
    internal static readonly SearchValues<byte> BytesToEscape = SearchValues.Create(BytesToEscapeList());

    private JavaScriptJsonEncoder()
    {
    }

    /// <summary>The one instance; the encoder is stateless.</summary>
    public static JavaScriptJsonEncoder Instance { get; } = new();

    /// <inheritdoc/>
    public override int MaxOutputCharactersPerInputCharacter => 6; // \u001f

    /// <inheritdoc/>
    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' || (uint)(unicodeScalar - 0xD800) <= 0x7FF;

    /// <inheritdoc/>
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        IndexOfCharToEncode(new ReadOnlySpan<char>(text, textLength));

    /// <inheritdoc/>
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten) =>
        TryEncodeScalar(unicodeScalar, new Span<char>(buffer, bufferLength), out numberOfCharactersWritten);

    /// <inheritdoc/>
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var index = utf8Text.IndexOfAny(BytesToEscape);
        var clean = index < 0 ? utf8Text : utf8Text[..index];
        if (Utf8.IsValid(clean))
        {
            return index;
        }

        // Invalid UTF-8 must not be copied through: stop at it so the writer's encoding step replaces it.
        var position = 0;
        while (Rune.DecodeFromUtf8(clean[position..], out _, out var consumed) == OperationStatus.Done)
        {
            position += consumed;
        }

        return position;
    }

    /// <summary>The index of the first character <c>JSON.stringify</c> would escape (a lone surrogate included), or -1.</summary>
    internal static int IndexOfCharToEncode(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (true)
        {
            var found = text[offset..].IndexOfAny(s_charsToInspect);
            if (found < 0)
            {
                return -1;
            }

            var index = offset + found;
            if (char.IsHighSurrogate(text[index]) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
            {
                offset = index + 2; // a valid pair is written as it is
                continue;
            }

            return index;
        }
    }

    /// <summary>Writes the escape of one scalar as <c>JSON.stringify</c> does.</summary>
    internal static bool TryEncodeScalar(int scalar, Span<char> destination, out int written)
    {
        char escaped;
        switch (scalar)
        {
            case '"': escaped = '"'; break;
            case '\\': escaped = '\\'; break;
            case '\b': escaped = 'b'; break;
            case '\t': escaped = 't'; break;
            case '\n': escaped = 'n'; break;
            case '\f': escaped = 'f'; break;
            case '\r': escaped = 'r'; break;
            case < 0x20:
                if (destination.Length < 6)
                {
                    written = 0;
                    return false;
                }

                "\\u00".CopyTo(destination);
                destination[4] = HexDigit(scalar >> 4);
                destination[5] = HexDigit(scalar & 0xF);
                written = 6;
                return true;
            default:
                // Only reached for U+FFFD standing in for invalid UTF-16 (see remarks), or a scalar that needs no
                // escape: write it as it is.
                return new Rune(scalar).TryEncodeToUtf16(destination, out written);
        }

        if (destination.Length < 2)
        {
            written = 0;
            return false;
        }

        destination[0] = '\\';
        destination[1] = escaped;
        written = 2;
        return true;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

    private static string CharsToInspect()
    {
        var chars = new char[0x20 + 2 + 0x800];
        for (var c = 0; c < 0x20; c++)
        {
            chars[c] = (char)c;
        }

        chars[0x20] = '"';
        chars[0x21] = '\\';
        for (var c = 0; c < 0x800; c++)
        {
            chars[0x22 + c] = (char)(0xD800 + c);
        }

        return new string(chars);
    }

    private static byte[] BytesToEscapeList()
    {
        var bytes = new byte[0x20 + 2];
        for (var b = 0; b < 0x20; b++)
        {
            bytes[b] = (byte)b;
        }

        bytes[0x20] = (byte)'"';
        bytes[0x21] = (byte)'\\';
        return bytes;
    }
}
