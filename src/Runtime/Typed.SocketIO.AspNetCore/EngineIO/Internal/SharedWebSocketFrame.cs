using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Typed.EngineIO.Internal;

/// <summary>
/// A text packet's whole server-to-client WebSocket frame, built once for every recipient of a broadcast. Frames a
/// server sends are unmasked, so header and payload are the same bytes for every connection. The packet's
/// <see cref="EngineIOOutgoingPacket.Encoded"/> is this manager's memory (the payload, as any transport reads it);
/// a WebSocket transport that recognises it writes <see cref="Frame"/> as it is, with no per-recipient framing,
/// copy or <see cref="System.Net.WebSockets.WebSocket.SendAsync(ReadOnlyMemory{byte}, System.Net.WebSockets.WebSocketMessageType, bool, CancellationToken)"/>.
/// </summary>
internal sealed class SharedWebSocketFrame : MemoryManager<byte>
{
    // FIN and the text opcode: one whole, uncompressed (RSV1 clear) text message.
    private const byte FinText = 0x81;

    private readonly byte[] _frame;
    private readonly int _headerLength;

    private SharedWebSocketFrame(ReadOnlySpan<byte> payload)
    {
        _headerLength = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        _frame = GC.AllocateUninitializedArray<byte>(_headerLength + payload.Length);
        _frame[0] = FinText;
        switch (_headerLength)
        {
            case 2:
                _frame[1] = (byte)payload.Length;
                break;
            case 4:
                _frame[1] = 126;
                BinaryPrimitives.WriteUInt16BigEndian(_frame.AsSpan(2), (ushort)payload.Length);
                break;
            default:
                _frame[1] = 127;
                BinaryPrimitives.WriteUInt64BigEndian(_frame.AsSpan(2), (ulong)payload.Length);
                break;
        }

        payload.CopyTo(_frame.AsSpan(_headerLength));
    }

    /// <summary>The frame: header and payload, ready for the connection's output.</summary>
    public ReadOnlyMemory<byte> Frame => _frame;

    /// <summary>
    /// The packets of one broadcast, with each text packet's frame built once. Binary packets stay as they are (a
    /// session may want them as base64 text, so their frame is not the same for every recipient).
    /// </summary>
    public static void ShareFrames(List<EngineIOOutgoingPacket> encoded)
    {
        var span = CollectionsMarshal.AsSpan(encoded);
        for (var i = 0; i < span.Length; i++)
        {
            if (!span[i].IsBinary)
            {
                span[i] = EngineIOOutgoingPacket.FromEncodedText(new SharedWebSocketFrame(span[i].Encoded.Span).Memory);
            }
        }
    }

    /// <summary>The whole frame of <paramref name="packet"/> when it was built by <see cref="ShareFrames"/>.</summary>
    public static bool TryGetFrame(in EngineIOOutgoingPacket packet, out ReadOnlyMemory<byte> frame)
    {
        if (!packet.IsBinary
            && MemoryMarshal.TryGetMemoryManager<byte, SharedWebSocketFrame>(packet.Encoded, out var shared, out var start, out var length)
            && start == 0
            && length == shared._frame.Length - shared._headerLength)
        {
            frame = shared._frame;
            return true;
        }

        frame = default;
        return false;
    }

    public override Span<byte> GetSpan() => _frame.AsSpan(_headerLength);

    // Pinning the payload is pinning the array it lives in.
    public override MemoryHandle Pin(int elementIndex = 0) => _frame.AsMemory(_headerLength + elementIndex).Pin();

    public override void Unpin()
    {
        // The handle Pin returns owns the array's pin and releases it itself.
    }

    protected override void Dispose(bool disposing)
    {
        // Nothing to release: the frame is an ordinary array, collected with the last packet that refers to it.
    }
}
