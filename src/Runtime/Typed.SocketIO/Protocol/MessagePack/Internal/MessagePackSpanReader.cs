using System.Buffers.Binary;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// A forward-only MessagePack tokenizer over one message, for untrusted input. It never throws and never allocates:
/// a truncated header, a declared length beyond the end of the message (checked before anything uses it) and the
/// reserved byte <c>0xc1</c> all come back as <c>false</c> with a reason. It only reads headers; containers are walked
/// by the caller, which bounds their counts and depth. (MessagePack-CSharp's reader is not used for peer input: its
/// 2.5 reader returns negative counts for 32-bit headers above 2^31 and reports bad input through several exception
/// types.)
/// </summary>
internal ref struct MessagePackSpanReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public MessagePackSpanReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>The offset of the next token.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left after <see cref="Position"/>.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True once every byte has been read.</summary>
    public readonly bool End => _position >= _buffer.Length;

    /// <summary>True when the next bytes are notepack's <c>undefined</c>: fixext 1, type 0, data 0 (<c>d4 00 00</c>).</summary>
    public readonly bool NextIsUndefined =>
        Remaining >= 3 && _buffer[_position] == 0xd4 && _buffer[_position + 1] == 0 && _buffer[_position + 2] == 0;

    /// <summary>Skips <paramref name="count"/> bytes the caller has already looked at.</summary>
    public void Advance(int count) => _position += count;

    /// <summary>Reads the next token's header (and, for strings, binaries and extensions, steps over the payload).</summary>
    public bool TryRead(out MessagePackToken token, out string? error)
    {
        token = default;
        error = null;
        var span = _buffer[_position..];
        if (span.IsEmpty)
        {
            return Truncated(out error);
        }

        var code = span[0];
        switch (code)
        {
            case <= 0x7f:
                return Integer(code, 1, code, out token);
            case <= 0x8f:
                return Container(MessagePackTokenKind.Map, code, 1, (uint)(code & 0x0f), out token);
            case <= 0x9f:
                return Container(MessagePackTokenKind.Array, code, 1, (uint)(code & 0x0f), out token);
            case <= 0xbf:
                return Payload(MessagePackTokenKind.String, code, 1, (uint)(code & 0x1f), 0, out token, out error);
            case 0xc0:
                return Simple(MessagePackTokenKind.Nil, code, out token);
            case 0xc1:
                error = "reserved MessagePack byte 0xc1";
                return false;
            case 0xc2:
                return Simple(MessagePackTokenKind.False, code, out token);
            case 0xc3:
                return Simple(MessagePackTokenKind.True, code, out token);
            case 0xc4 or 0xc5 or 0xc6:
            {
                var size = 1 << (code - 0xc4); // 1, 2 or 4 length bytes
                if (!TryReadLength(span, size, out var length))
                {
                    return Truncated(out error);
                }

                return Payload(MessagePackTokenKind.Binary, code, 1 + size, length, 0, out token, out error);
            }

            case 0xc7 or 0xc8 or 0xc9:
            {
                var size = 1 << (code - 0xc7);
                if (!TryReadLength(span, size, out var length) || span.Length < 2 + size)
                {
                    return Truncated(out error);
                }

                return Payload(MessagePackTokenKind.Extension, code, 2 + size, length, (sbyte)span[1 + size], out token, out error);
            }

            case 0xca:
                if (span.Length < 5)
                {
                    return Truncated(out error);
                }

                token = new MessagePackToken
                {
                    Kind = MessagePackTokenKind.Float32,
                    Code = code,
                    Float = BinaryPrimitives.ReadSingleBigEndian(span[1..]),
                };
                _position += 5;
                return true;
            case 0xcb:
                if (span.Length < 9)
                {
                    return Truncated(out error);
                }

                token = new MessagePackToken
                {
                    Kind = MessagePackTokenKind.Float64,
                    Code = code,
                    Float = BinaryPrimitives.ReadDoubleBigEndian(span[1..]),
                };
                _position += 9;
                return true;
            case 0xcc:
                return span.Length >= 2 ? Integer(code, 2, span[1], out token) : Truncated(out error);
            case 0xcd:
                return span.Length >= 3 ? Integer(code, 3, BinaryPrimitives.ReadUInt16BigEndian(span[1..]), out token) : Truncated(out error);
            case 0xce:
                return span.Length >= 5 ? Integer(code, 5, BinaryPrimitives.ReadUInt32BigEndian(span[1..]), out token) : Truncated(out error);
            case 0xcf:
            {
                if (span.Length < 9)
                {
                    return Truncated(out error);
                }

                var value = BinaryPrimitives.ReadUInt64BigEndian(span[1..]);
                if (value <= long.MaxValue)
                {
                    return Integer(code, 9, (long)value, out token);
                }

                token = new MessagePackToken { Kind = MessagePackTokenKind.UnsignedInteger, Code = code, UnsignedInteger = value };
                _position += 9;
                return true;
            }

            case 0xd0:
                return span.Length >= 2 ? Integer(code, 2, (sbyte)span[1], out token) : Truncated(out error);
            case 0xd1:
                return span.Length >= 3 ? Integer(code, 3, BinaryPrimitives.ReadInt16BigEndian(span[1..]), out token) : Truncated(out error);
            case 0xd2:
                return span.Length >= 5 ? Integer(code, 5, BinaryPrimitives.ReadInt32BigEndian(span[1..]), out token) : Truncated(out error);
            case 0xd3:
                return span.Length >= 9 ? Integer(code, 9, BinaryPrimitives.ReadInt64BigEndian(span[1..]), out token) : Truncated(out error);
            case 0xd4 or 0xd5 or 0xd6 or 0xd7 or 0xd8:
                if (span.Length < 2)
                {
                    return Truncated(out error);
                }

                return Payload(MessagePackTokenKind.Extension, code, 2, 1u << (code - 0xd4), (sbyte)span[1], out token, out error);
            case 0xd9 or 0xda or 0xdb:
            {
                var size = 1 << (code - 0xd9);
                if (!TryReadLength(span, size, out var length))
                {
                    return Truncated(out error);
                }

                return Payload(MessagePackTokenKind.String, code, 1 + size, length, 0, out token, out error);
            }

            case 0xdc or 0xdd:
            {
                var size = code == 0xdc ? 2 : 4;
                if (!TryReadLength(span, size, out var count))
                {
                    return Truncated(out error);
                }

                return Container(MessagePackTokenKind.Array, code, 1 + size, count, out token);
            }

            case 0xde or 0xdf:
            {
                var size = code == 0xde ? 2 : 4;
                if (!TryReadLength(span, size, out var count))
                {
                    return Truncated(out error);
                }

                return Container(MessagePackTokenKind.Map, code, 1 + size, count, out token);
            }

            default: // 0xe0..0xff: negative fixint
                return Integer(code, 1, (sbyte)code, out token);
        }
    }

    private static bool TryReadLength(ReadOnlySpan<byte> span, int size, out uint length)
    {
        length = 0;
        if (span.Length < 1 + size)
        {
            return false;
        }

        length = size switch
        {
            1 => span[1],
            2 => BinaryPrimitives.ReadUInt16BigEndian(span[1..]),
            _ => BinaryPrimitives.ReadUInt32BigEndian(span[1..]),
        };
        return true;
    }

    private static bool Truncated(out string? error)
    {
        error = "truncated MessagePack data";
        return false;
    }

    private bool Simple(MessagePackTokenKind kind, byte code, out MessagePackToken token)
    {
        token = new MessagePackToken { Kind = kind, Code = code };
        _position++;
        return true;
    }

    private bool Integer(byte code, int size, long value, out MessagePackToken token)
    {
        token = new MessagePackToken { Kind = MessagePackTokenKind.Integer, Code = code, Integer = value };
        _position += size;
        return true;
    }

    private bool Container(MessagePackTokenKind kind, byte code, int headerSize, uint count, out MessagePackToken token)
    {
        token = new MessagePackToken { Kind = kind, Code = code, Count = count };
        _position += headerSize;
        return true;
    }

    /// <summary>A length-prefixed value: the declared length is checked against what is left before anything uses it.</summary>
    private bool Payload(MessagePackTokenKind kind, byte code, int headerSize, uint length, sbyte extensionType, out MessagePackToken token, out string? error)
    {
        var available = Remaining - headerSize;
        if (available < 0 || length > (uint)available)
        {
            token = default;
            error = $"MessagePack length {length} exceeds the {Math.Max(available, 0)} bytes left in the message";
            return false;
        }

        token = new MessagePackToken
        {
            Kind = kind,
            Code = code,
            Offset = _position + headerSize,
            Length = (int)length,
            ExtensionType = extensionType,
        };
        _position += headerSize + (int)length;
        error = null;
        return true;
    }
}
