using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// Transcodes a packet's JSON data (with placeholders) into the MessagePack notepack.io writes for the value
/// <c>JSON.parse</c> gives, attachments back in place of their placeholders as <c>bin</c>: integers in the smallest
/// int format (uint formats for positive values), other numbers as float64, strings and binaries with the smallest
/// header, maps in document order.
/// </summary>
/// <remarks>
/// MessagePack needs each container's element count before its elements, so the JSON is read twice: a first pass
/// counts elements and finds placeholders, the second writes. Both passes are iterative (<see cref="Utf8JsonReader"/>).
/// Integer literals are written exactly, also beyond 2^53 where JavaScript would first round them. The input is the
/// packet's own data, so invalid JSON or a bad placeholder is a programming error: <see cref="ArgumentException"/>.
/// </remarks>
internal static class JsonToMessagePackTranscoder
{
    // Deeper than anything a peer may send (SocketIOParserLimits.MaxDepth), so relayed data always fits; the reader
    // is iterative, so this bounds memory, not stack.
    private static readonly JsonReaderOptions s_readerOptions = new() { MaxDepth = 1024 };

    private struct Container
    {
        public int Count;
        public int Placeholder; // the attachment index when this object is a placeholder, else -1
        public int Next;        // the index of the first container after this one's subtree
    }

    private struct Frame
    {
        public int Index;
        public bool IsObject;
        public byte PendingKey; // 1 after "_placeholder", 2 after "num"
        public bool PlaceholderTrue;
        public long Num;
    }

    /// <summary>Writes <paramref name="json"/> as one MessagePack value.</summary>
    /// <param name="writer">The MessagePack output.</param>
    /// <param name="json">One JSON value.</param>
    /// <param name="attachments">The binaries placeholders refer to; when empty, placeholder-shaped objects stay maps
    /// (a packet without attachments is not reconstructed by socket.io-parser either).</param>
    public static void Write(in MessagePackBufferWriter writer, ReadOnlySpan<byte> json, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        var containers = ArrayPool<Container>.Shared.Rent(16);
        var frames = ArrayPool<Frame>.Shared.Rent(16);
        try
        {
            var containerCount = CountContainers(json, attachments.Count, ref containers, ref frames);
            WriteValues(in writer, json, attachments, containers.AsSpan(0, containerCount));
        }
        catch (JsonException e)
        {
            throw new ArgumentException("The packet's data is not valid JSON.", nameof(json), e);
        }
        finally
        {
            ArrayPool<Container>.Shared.Return(containers);
            ArrayPool<Frame>.Shared.Return(frames);
        }
    }

    /// <summary>Pass 1: each container's element count, and which objects are placeholders.</summary>
    private static int CountContainers(ReadOnlySpan<byte> json, int attachmentCount, ref Container[] containers, ref Frame[] frames)
    {
        var reader = new Utf8JsonReader(json, s_readerOptions);
        var count = 0;
        var depth = 0;
        while (reader.Read())
        {
            var token = reader.TokenType;
            switch (token)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    if (depth > 0 && !frames[depth - 1].IsObject)
                    {
                        containers[frames[depth - 1].Index].Count++;
                    }

                    Grow(ref containers, count);
                    containers[count] = new Container { Placeholder = -1 };
                    Grow(ref frames, depth);
                    frames[depth++] = new Frame { Index = count++, IsObject = token == JsonTokenType.StartObject, Num = -1 };
                    break;
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                {
                    var frame = frames[--depth];
                    ref var container = ref containers[frame.Index];
                    container.Next = count;
                    if (frame.PlaceholderTrue && attachmentCount > 0)
                    {
                        // socket.io-parser replaces any object whose _placeholder is true, whatever else it holds.
                        if (frame.Num < 0 || frame.Num >= attachmentCount)
                        {
                            throw new ArgumentException($"A placeholder refers to attachment {frame.Num} of {attachmentCount}.");
                        }

                        container.Placeholder = (int)frame.Num;
                    }

                    break;
                }

                case JsonTokenType.PropertyName:
                {
                    ref var frame = ref frames[depth - 1];
                    containers[frame.Index].Count++;
                    frame.PendingKey = reader.ValueTextEquals("_placeholder"u8) ? (byte)1 : reader.ValueTextEquals("num"u8) ? (byte)2 : (byte)0;
                    break;
                }

                default: // a scalar
                    if (depth > 0)
                    {
                        ref var frame = ref frames[depth - 1];
                        if (!frame.IsObject)
                        {
                            containers[frame.Index].Count++;
                        }
                        else if (frame.PendingKey == 1)
                        {
                            frame.PlaceholderTrue = token == JsonTokenType.True;
                        }
                        else if (frame.PendingKey == 2)
                        {
                            frame.Num = token == JsonTokenType.Number && reader.TryGetInt64(out var num) ? num : -1;
                        }
                    }

                    break;
            }
        }

        return count;
    }

    /// <summary>Pass 2: the MessagePack itself.</summary>
    private static void WriteValues(in MessagePackBufferWriter writer, ReadOnlySpan<byte> json, IReadOnlyList<ReadOnlyMemory<byte>> attachments, ReadOnlySpan<Container> containers)
    {
        var reader = new Utf8JsonReader(json, s_readerOptions);
        var next = 0;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                {
                    var container = containers[next];
                    if (container.Placeholder >= 0)
                    {
                        writer.Write(attachments[container.Placeholder].Span);
                        reader.Skip();
                        next = container.Next;
                    }
                    else
                    {
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            writer.WriteMapHeader(container.Count);
                        }
                        else
                        {
                            writer.WriteArrayHeader(container.Count);
                        }

                        next++;
                    }

                    break;
                }

                case JsonTokenType.PropertyName:
                case JsonTokenType.String:
                    WriteString(in writer, ref reader);
                    break;
                case JsonTokenType.Number:
                    WriteNumber(in writer, reader.ValueSpan);
                    break;
                case JsonTokenType.True:
                    writer.Write(true);
                    break;
                case JsonTokenType.False:
                    writer.Write(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNil();
                    break;
            }
        }
    }

    /// <summary>
    /// A JSON number as notepack writes the JavaScript number: integral values in the smallest int format, others
    /// (and infinities, which <c>JSON.parse</c> gives for <c>1e400</c>) as float64.
    /// </summary>
    internal static void WriteNumber(in MessagePackBufferWriter writer, ReadOnlySpan<byte> text)
    {
        if (IsIntegerLiteral(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                writer.Write(integer);
                return;
            }

            if (text[0] != '-' && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unsigned))
            {
                writer.Write(unsigned);
                return;
            }

            // Beyond both: the double it parses to. Not as an integer even when that double is one (-2^63 is): the
            // decoder prints an integer exactly but a float as JavaScript does, and this text came from a float
            // (-9223372036854776000), so an integer would come back as other text (-9223372036854775808).
            writer.Write(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
            return;
        }

        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsFinite(value) && value == Math.Floor(value))
        {
            // -2^63 <= value < 2^64: exactly representable as an integer (-0 becomes 0, as in notepack).
            if (value >= -9223372036854775808.0 && value < 9223372036854775808.0)
            {
                writer.Write((long)value);
                return;
            }

            if (value > 0 && value < 18446744073709551616.0)
            {
                writer.Write((ulong)value);
                return;
            }
        }

        writer.Write(value);
    }

    private static bool IsIntegerLiteral(ReadOnlySpan<byte> text)
    {
        var start = text[0] == '-' ? 1 : 0;
        return text[start..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;
    }

    /// <summary>A JSON string (or property name) as a MessagePack str: unescaped, lone surrogates as U+FFFD.</summary>
    private static void WriteString(in MessagePackBufferWriter writer, ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped && Utf8.IsValid(raw))
        {
            writer.WriteString(raw);
            return;
        }

        // Each escaped or invalid byte turns into at most three bytes (one invalid byte into U+FFFD).
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(raw.Length * 3, 1));
        try
        {
            var length = Unescape(raw, rented);
            writer.WriteString(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Unescapes a JSON string's raw bytes into UTF-8. <see cref="Utf8JsonReader.CopyString(Span{byte})"/> throws on a
    /// lone surrogate escape, which JavaScript peers may send (<c>"\ud800"</c>); this writes U+FFFD for it, as Node's
    /// UTF-8 encoder does.
    /// </summary>
    internal static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        var written = 0;
        var i = 0;
        while (i < raw.Length)
        {
            var backslash = raw[i..].IndexOf((byte)'\\');
            var run = backslash < 0 ? raw[i..] : raw.Slice(i, backslash);
            written += CopyReplacingInvalid(run, destination[written..]);
            if (backslash < 0)
            {
                break;
            }

            i += backslash + 1;
            var escape = raw[i++];
            int scalar;
            switch (escape)
            {
                case (byte)'b': scalar = '\b'; break;
                case (byte)'f': scalar = '\f'; break;
                case (byte)'n': scalar = '\n'; break;
                case (byte)'r': scalar = '\r'; break;
                case (byte)'t': scalar = '\t'; break;
                case (byte)'u':
                    scalar = ParseHex4(raw.Slice(i, 4));
                    i += 4;
                    if (char.IsHighSurrogate((char)scalar) && i + 6 <= raw.Length && raw[i] == '\\' && raw[i + 1] == 'u')
                    {
                        var low = ParseHex4(raw.Slice(i + 2, 4));
                        if (char.IsLowSurrogate((char)low))
                        {
                            scalar = char.ConvertToUtf32((char)scalar, (char)low);
                            i += 6;
                        }
                    }

                    if (scalar is >= 0xD800 and <= 0xDFFF)
                    {
                        scalar = 0xFFFD;
                    }

                    break;
                default: // " \ /
                    scalar = escape;
                    break;
            }

            written += new Rune(scalar).EncodeToUtf8(destination[written..]);
        }

        return written;
    }

    private static int CopyReplacingInvalid(ReadOnlySpan<byte> utf8, Span<byte> destination)
    {
        if (Utf8.IsValid(utf8))
        {
            utf8.CopyTo(destination);
            return utf8.Length;
        }

        var written = 0;
        while (!utf8.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            written += (status == OperationStatus.Done ? rune : Rune.ReplacementChar).EncodeToUtf8(destination[written..]);
            utf8 = utf8[consumed..];
        }

        return written;
    }

    private static int ParseHex4(ReadOnlySpan<byte> hex) =>
        int.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static void Grow<T>(ref T[] array, int index)
    {
        if (index < array.Length)
        {
            return;
        }

        var larger = ArrayPool<T>.Shared.Rent(array.Length * 2);
        array.AsSpan().CopyTo(larger);
        ArrayPool<T>.Shared.Return(array);
        array = larger;
    }
}
