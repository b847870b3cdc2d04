using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Typed.SocketIO.Protocol.Internal;

/// <summary>
/// The few MessagePack writer primitives the encoder needs, straight into an <see cref="IBufferWriter{T}"/>. Each
/// value takes its smallest format (fixint/fixstr/fixmap first), as notepack (socket.io-msgpack-parser's encoder) and
/// MessagePack-CSharp both write them, so packets match the reference byte for byte. Written here rather than taken
/// from the MessagePack package: a dozen primitives do not justify a dependency every JSON-only client would carry
/// (the reader, <see cref="MessagePackSpanReader"/>, is hand-written for the same reason).
/// </summary>
internal readonly ref struct MessagePackBufferWriter(IBufferWriter<byte> output)
{
    private readonly IBufferWriter<byte> _output = output;

    public void WriteNil() => WriteByte(0xc0);

    public void Write(bool value) => WriteByte(value ? (byte)0xc3 : (byte)0xc2);

    public void WriteMapHeader(int count) => WriteContainerHeader(count, fixBase: 0x80, code16: 0xde);

    public void WriteArrayHeader(int count) => WriteContainerHeader(count, fixBase: 0x90, code16: 0xdc);

    /// <summary>An integer in its smallest format: positive fixint, uint8…uint64, negative fixint, int8…int64.</summary>
    public void Write(long value)
    {
        if (value >= 0)
        {
            Write((ulong)value);
            return;
        }

        var span = _output.GetSpan(9);
        int length;
        if (value >= -32)
        {
            span[0] = unchecked((byte)value);
            length = 1;
        }
        else if (value >= sbyte.MinValue)
        {
            span[0] = 0xd0;
            span[1] = unchecked((byte)value);
            length = 2;
        }
        else if (value >= short.MinValue)
        {
            span[0] = 0xd1;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            length = 3;
        }
        else if (value >= int.MinValue)
        {
            span[0] = 0xd2;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            length = 5;
        }
        else
        {
            span[0] = 0xd3;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            length = 9;
        }

        _output.Advance(length);
    }

    /// <summary>A non-negative integer in its smallest format: positive fixint, uint8, uint16, uint32, uint64.</summary>
    public void Write(ulong value)
    {
        var span = _output.GetSpan(9);
        int length;
        if (value <= 0x7f)
        {
            span[0] = (byte)value;
            length = 1;
        }
        else if (value <= byte.MaxValue)
        {
            span[0] = 0xcc;
            span[1] = (byte)value;
            length = 2;
        }
        else if (value <= ushort.MaxValue)
        {
            span[0] = 0xcd;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            length = 3;
        }
        else if (value <= uint.MaxValue)
        {
            span[0] = 0xce;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            length = 5;
        }
        else
        {
            span[0] = 0xcf;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            length = 9;
        }

        _output.Advance(length);
    }

    /// <summary>A float64: JavaScript numbers that are not integers (notepack never writes float32).</summary>
    public void Write(double value)
    {
        var span = _output.GetSpan(9);
        span[0] = 0xcb;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
    }

    /// <summary>A str of already valid UTF-8 bytes.</summary>
    public void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteLengthHeader(utf8.Length, fixBase: 0xa0, fixMax: 31, code8: 0xd9);
        WriteRaw(utf8);
    }

    /// <summary>A str holding <paramref name="value"/> in UTF-8.</summary>
    public void Write(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLengthHeader(length, fixBase: 0xa0, fixMax: 31, code8: 0xd9);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }

    /// <summary>A bin: what a JavaScript <c>Buffer</c>/<c>ArrayBuffer</c> becomes.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        // bin has no fix form: bin8 starts at length 0.
        WriteLengthHeader(bytes.Length, fixBase: 0, fixMax: -1, code8: 0xc4);
        WriteRaw(bytes);
    }

    private void WriteContainerHeader(int count, byte fixBase, byte code16)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var span = _output.GetSpan(5);
        if (count <= 15)
        {
            span[0] = (byte)(fixBase | count);
            _output.Advance(1);
        }
        else if (count <= ushort.MaxValue)
        {
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)count);
            _output.Advance(3);
        }
        else
        {
            span[0] = (byte)(code16 + 1);
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
            _output.Advance(5);
        }
    }

    /// <summary>str and bin headers: fix form (str only), then the 8-, 16- and 32-bit forms, whose codes follow each other.</summary>
    private void WriteLengthHeader(int length, byte fixBase, int fixMax, byte code8)
    {
        var span = _output.GetSpan(5);
        if (length <= fixMax)
        {
            span[0] = (byte)(fixBase | length);
            _output.Advance(1);
        }
        else if (length <= byte.MaxValue)
        {
            span[0] = code8;
            span[1] = (byte)length;
            _output.Advance(2);
        }
        else if (length <= ushort.MaxValue)
        {
            span[0] = (byte)(code8 + 1);
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            _output.Advance(3);
        }
        else
        {
            span[0] = (byte)(code8 + 2);
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            _output.Advance(5);
        }
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }
}
