using System.Buffers.Binary;
using System.Globalization;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// Transcodes one MessagePack value (socket.io-msgpack-parser / notepack.io) into the JSON the default parser would
/// carry, byte for byte what <c>JSON.stringify</c> writes for the value notepack decodes: strings with JavaScript's
/// escaping, numbers as JavaScript prints them (integers exactly), <c>undefined</c> omitted from maps and <c>null</c>
/// in arrays, a notepack Date as its ISO string, binary as placeholders whose bytes are collected in document order.
/// </summary>
/// <remarks>
/// The walk is iterative (an explicit stack, no recursion on peer-controlled depth). Every container's declared count
/// is bounded by <see cref="SocketIOParserLimits.MaxContainerElements"/> and by the bytes left before it is walked;
/// nesting is bounded by <see cref="SocketIOParserLimits.MaxDepth"/> (the top-level container is depth 1, as for
/// <c>Utf8JsonReader</c> over the same JSON); binaries by <see cref="SocketIOParserLimits.MaxAttachments"/> and
/// <see cref="SocketIOParserLimits.MaxAttachmentBytes"/>. Map keys must be strings (JSON has no other). Extensions
/// other than notepack's <c>undefined</c> (<c>d4 00 00</c>), Date (<c>d7 00</c>) and ArrayBuffer (ext 8/16/32
/// type 0, what Node's notepack writes for typed arrays) are refused. The output is at most about six times the
/// input (<c>\u0001</c> for a one-byte control character; placeholders are capped by the attachment limit).
/// </remarks>
internal static class MessagePackToJsonTranscoder
{
    private const int StackallocFrames = 128;

    private struct Frame
    {
        public uint Remaining;
        public bool IsMap;
        public bool IsFirst;
    }

    /// <summary>Transcodes the value at the reader's position into <paramref name="json"/>.</summary>
    /// <param name="reader">Positioned at the value; left after it.</param>
    /// <param name="message">The whole message (the reader's buffer), to read string and binary payloads from.</param>
    /// <param name="json">Receives the JSON.</param>
    /// <param name="limits">The bounds on counts, depth and binaries.</param>
    /// <param name="binaryForm">How binary values are written.</param>
    /// <param name="binaries">Receives the offset and length in <paramref name="message"/> of each placeholder's bytes.</param>
    /// <param name="shape">What the top-level value looked like.</param>
    /// <param name="error">Why the value was refused.</param>
    public static bool TryTranscode(
        ref MessagePackSpanReader reader,
        ReadOnlySpan<byte> message,
        PooledByteBufferWriter json,
        SocketIOParserLimits limits,
        BinaryJsonForm binaryForm,
        List<(int Offset, int Length)> binaries,
        out TranscodedShape shape,
        out string? error)
    {
        shape = default;
        if (reader.NextIsUndefined)
        {
            reader.Advance(3);
            shape.IsUndefined = true;
            error = null;
            return true;
        }

        var maxDepth = Math.Max(limits.MaxDepth, 0);
        Span<Frame> stack = maxDepth <= StackallocFrames ? stackalloc Frame[maxDepth] : new Frame[maxDepth];
        var depth = 0;
        long binaryBytes = 0;
        while (true)
        {
            var firstOfRoot = false;
            if (depth > 0)
            {
                ref var frame = ref stack[depth - 1];
                if (frame.Remaining == 0)
                {
                    json.Write(frame.IsMap ? (byte)'}' : (byte)']');
                    depth--;
                    if (depth == 0)
                    {
                        error = null;
                        return true;
                    }

                    continue;
                }

                frame.Remaining--;
                if (frame.IsMap)
                {
                    if (!reader.TryRead(out var key, out error))
                    {
                        return false;
                    }

                    if (key.Kind != MessagePackTokenKind.String)
                    {
                        error = "map keys must be strings";
                        return false;
                    }

                    if (reader.NextIsUndefined)
                    {
                        // JSON.stringify leaves out a property whose value is undefined.
                        reader.Advance(3);
                        continue;
                    }

                    if (!frame.IsFirst)
                    {
                        json.Write((byte)',');
                    }

                    frame.IsFirst = false;
                    JavaScriptJson.WriteString(json, message.Slice(key.Offset, key.Length));
                    json.Write((byte)':');
                }
                else
                {
                    firstOfRoot = depth == 1 && frame.IsFirst;
                    if (!frame.IsFirst)
                    {
                        json.Write((byte)',');
                    }

                    frame.IsFirst = false;
                }
            }

            var valueStart = json.WrittenCount;
            if (!reader.TryRead(out var token, out error))
            {
                return false;
            }

            if (depth == 0)
            {
                shape.RootKind = token.Kind;
                shape.RootCount = token.Count;
            }
            else if (firstOfRoot)
            {
                shape.FirstKind = token.Kind;
                shape.FirstOffset = token.Offset;
                shape.FirstLength = token.Length;
            }

            switch (token.Kind)
            {
                case MessagePackTokenKind.Nil:
                    json.Write("null"u8);
                    break;
                case MessagePackTokenKind.False:
                    json.Write("false"u8);
                    break;
                case MessagePackTokenKind.True:
                    json.Write("true"u8);
                    break;
                case MessagePackTokenKind.Integer:
                    // Exact digits, also beyond 2^53 (where JavaScript would round): a .NET reader gets the value sent.
                    token.Integer.TryFormat(json.GetSpan(20), out var integerLength, default, CultureInfo.InvariantCulture);
                    json.Advance(integerLength);
                    break;
                case MessagePackTokenKind.UnsignedInteger:
                    token.UnsignedInteger.TryFormat(json.GetSpan(20), out var unsignedLength, default, CultureInfo.InvariantCulture);
                    json.Advance(unsignedLength);
                    break;
                case MessagePackTokenKind.Float32:
                case MessagePackTokenKind.Float64:
                    json.Advance(JavaScriptJson.FormatNumber(token.Float, json.GetSpan(JavaScriptJson.MaxNumberLength)));
                    break;
                case MessagePackTokenKind.String:
                    JavaScriptJson.WriteString(json, message.Slice(token.Offset, token.Length));
                    break;
                case MessagePackTokenKind.Binary:
                    if (!TryWriteBinary(json, message, token, binaryForm, isArrayBuffer: false, limits, binaries, ref binaryBytes, out error))
                    {
                        return false;
                    }

                    break;
                case MessagePackTokenKind.Extension:
                    if (!TryWriteExtension(json, message, token, binaryForm, limits, binaries, ref binaryBytes, out error))
                    {
                        return false;
                    }

                    break;
                case MessagePackTokenKind.Array:
                case MessagePackTokenKind.Map:
                {
                    var isMap = token.Kind == MessagePackTokenKind.Map;
                    if (token.Count > (uint)Math.Max(limits.MaxContainerElements, 0))
                    {
                        error = $"MessagePack {(isMap ? "map" : "array")} of {token.Count} elements (the limit is {limits.MaxContainerElements})";
                        return false;
                    }

                    // Every element takes at least one byte (a map entry two): refuse a count the message cannot hold
                    // before walking anything.
                    if ((ulong)token.Count * (isMap ? 2UL : 1UL) > (ulong)reader.Remaining)
                    {
                        error = "MessagePack container declares more elements than the message holds";
                        return false;
                    }

                    if (depth == maxDepth)
                    {
                        error = $"MessagePack data nested deeper than {maxDepth}";
                        return false;
                    }

                    json.Write(isMap ? (byte)'{' : (byte)'[');
                    stack[depth++] = new Frame { Remaining = token.Count, IsMap = isMap, IsFirst = true };
                    continue;
                }
            }

            if (firstOfRoot)
            {
                shape.FirstJsonStart = valueStart;
                shape.FirstJsonEnd = json.WrittenCount;
            }

            if (depth == 0)
            {
                error = null;
                return true;
            }
        }
    }

    private static bool TryWriteExtension(
        PooledByteBufferWriter json,
        ReadOnlySpan<byte> message,
        in MessagePackToken token,
        BinaryJsonForm binaryForm,
        SocketIOParserLimits limits,
        List<(int Offset, int Length)> binaries,
        ref long binaryBytes,
        out string? error)
    {
        error = null;
        if (token.ExtensionType == 0)
        {
            switch (token.Code)
            {
                case 0xd4 when message[token.Offset] == 0:
                    // undefined inside an array (maps and the top level are handled before reading): JSON writes null.
                    json.Write("null"u8);
                    return true;
                case 0xd7:
                    // notepack's Date: int32 high and uint32 low halves of the milliseconds since the epoch.
                    var payload = message.Slice(token.Offset, 8);
                    var milliseconds = ((long)BinaryPrimitives.ReadInt32BigEndian(payload) << 32) | BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
                    json.Advance(JavaScriptDate.FormatQuoted(milliseconds, json.GetSpan(JavaScriptDate.MaxQuotedLength)));
                    return true;
                case 0xc7 or 0xc8 or 0xc9:
                    // notepack's ArrayBuffer (Node sends typed arrays this way): binary data.
                    return TryWriteBinary(json, message, token, binaryForm, isArrayBuffer: true, limits, binaries, ref binaryBytes, out error);
            }
        }

        error = $"unsupported MessagePack extension type {token.ExtensionType} of {token.Length} bytes";
        return false;
    }

    private static bool TryWriteBinary(
        PooledByteBufferWriter json,
        ReadOnlySpan<byte> message,
        in MessagePackToken token,
        BinaryJsonForm binaryForm,
        bool isArrayBuffer,
        SocketIOParserLimits limits,
        List<(int Offset, int Length)> binaries,
        ref long binaryBytes,
        out string? error)
    {
        error = null;
        if (binaryForm == BinaryJsonForm.Stringified)
        {
            if (isArrayBuffer)
            {
                json.Write("{}"u8); // an ArrayBuffer has no enumerable properties
                return true;
            }

            // Buffer.prototype.toJSON.
            json.Write("{\"type\":\"Buffer\",\"data\":["u8);
            var bytes = message.Slice(token.Offset, token.Length);
            for (var i = 0; i < bytes.Length; i++)
            {
                if (i > 0)
                {
                    json.Write((byte)',');
                }

                bytes[i].TryFormat(json.GetSpan(3), out var digits, default, CultureInfo.InvariantCulture);
                json.Advance(digits);
            }

            json.Write("]}"u8);
            return true;
        }

        if (binaries.Count >= limits.MaxAttachments)
        {
            error = $"more than {limits.MaxAttachments} binary values";
            return false;
        }

        binaryBytes += token.Length;
        if (binaryBytes > limits.MaxAttachmentBytes)
        {
            error = $"binary values larger than {limits.MaxAttachmentBytes} bytes";
            return false;
        }

        json.Write("{\"_placeholder\":true,\"num\":"u8);
        binaries.Count.TryFormat(json.GetSpan(11), out var numLength, default, CultureInfo.InvariantCulture);
        json.Advance(numLength);
        json.Write((byte)'}');
        binaries.Add((token.Offset, token.Length));
        return true;
    }
}
