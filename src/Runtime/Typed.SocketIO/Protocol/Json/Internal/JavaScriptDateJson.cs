using System.Text.Json;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>Writes a JavaScript time value as the string <c>Date.prototype.toJSON()</c> gives.</summary>
internal static class JavaScriptDateJson
{
    public static void Write(Utf8JsonWriter writer, long milliseconds)
    {
        Span<byte> quoted = stackalloc byte[JavaScriptDate.MaxQuotedLength];
        var length = JavaScriptDate.FormatQuoted(milliseconds, quoted);

        // .NET dates stay within years 1–9999, so the text is always a plain quoted string of ASCII digits and
        // separators, never "null" and never a signed six-digit year.
        writer.WriteStringValue(quoted[1..(length - 1)]);
    }
}
