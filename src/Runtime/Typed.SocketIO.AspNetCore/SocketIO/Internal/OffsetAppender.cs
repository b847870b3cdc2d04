using System.Text.Json;

namespace Typed.SocketIO.Internal;

/// <summary>Appends a replay offset to an event's argument array (socket.io pushes it onto <c>packet.data</c>).</summary>
internal static class OffsetAppender
{
    public static SocketIOPacket Append(SocketIOPacket packet, string offset)
    {
        // The data is a JSON array written by our own writer or received from a client: its last non-space byte is
        // the closing bracket, so the offset goes in before it, after a comma (there is always an event name).
        var data = packet.Data.Span;
        var end = data.LastIndexOf((byte)']');
        if (end < 0)
        {
            throw new ArgumentException("An event's data is a JSON array.", nameof(packet));
        }

        var quoted = JsonEncodedText.Encode(offset, JavaScriptJson.WriterOptions.Encoder).EncodedUtf8Bytes;
        var result = new byte[end + 3 + quoted.Length + (data.Length - end)];
        data[..end].CopyTo(result);
        var position = end;
        result[position++] = (byte)',';
        result[position++] = (byte)'"';
        quoted.CopyTo(result.AsSpan(position));
        position += quoted.Length;
        result[position++] = (byte)'"';
        data[end..].CopyTo(result.AsSpan(position));
        return new SocketIOPacket
        {
            Type = packet.Type,
            Namespace = packet.Namespace,
            AckId = packet.AckId,
            Data = result,
            EventName = packet.EventName,
            Attachments = packet.Attachments,
        };
    }
}
