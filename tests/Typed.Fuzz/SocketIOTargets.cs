using System.Text;
using Typed.SocketIO;
using Typed.SocketIO.Protocol;

namespace Typed.Fuzz;

/// <summary>
/// Socket.IO: the JSON decoder fed a sequence of Engine.IO messages (text packets and binary attachments, so the
/// reassembly state is fuzzed too), and the MessagePack decoder fed one binary message. The decoders' contract is
/// <see cref="SocketIODecodeStatus"/> with an error string, never an exception; an accepted packet must decode the
/// same after the parser encodes it again.
/// </summary>
internal static class SocketIOTargets
{
    private static readonly SocketIOParserLimits s_limits = new() { MaxAttachmentBytes = 4096, MaxContainerElements = 1024 };

    public static void Json(byte[] input)
    {
        var parser = SocketIOParsers.Get(SocketIOParser.Json);
        var decoder = parser.CreateDecoder(s_limits);
        foreach (var (isBinary, message) in FuzzFrames.Split(input))
        {
            Check(parser, decoder.Decode(message, isBinary, out var packet, out var error), packet, error);
        }
    }

    public static void MessagePack(byte[] input)
    {
        var parser = SocketIOParsers.Get(SocketIOParser.MessagePack);
        var decoder = parser.CreateDecoder(s_limits);
        Check(parser, decoder.Decode(input, isBinary: true, out var packet, out var error), packet, error);
    }

    private static void Check(ISocketIOParser parser, SocketIODecodeStatus status, SocketIOPacket? packet, string? error)
    {
        switch (status)
        {
            case SocketIODecodeStatus.Error when string.IsNullOrEmpty(error) || packet is not null:
                throw new ContractViolationException("an error without a reason, or with a packet");
            case SocketIODecodeStatus.NeedMore when packet is not null || error is not null:
                throw new ContractViolationException("need-more with a packet or an error");
            case SocketIODecodeStatus.Packet when packet is null || error is not null:
                throw new ContractViolationException("a packet status without a packet");
            case SocketIODecodeStatus.Packet:
                RoundTrip(parser, packet!);
                break;
        }
    }

    /// <summary>Encodes the packet with the same parser and decodes it with a fresh decoder: it must be the same.</summary>
    private static void RoundTrip(ISocketIOParser parser, SocketIOPacket packet)
    {
        if (Encoding.UTF8.GetByteCount(packet.Namespace) > s_limits.MaxNamespaceLength)
        {
            // Invalid UTF-8 in a namespace comes out as U+FFFD (3 bytes each), which may pass the length limit.
            return;
        }

        var messages = new List<EngineIOOutgoingPacket>();
        parser.Encode(packet, messages);
        var decoder = parser.CreateDecoder(s_limits);
        SocketIOPacket? again = null;
        foreach (var message in messages)
        {
            var data = message.IsBinary ? message.Encoded : message.Encoded[1..]; // the Engine.IO "4" off text
            var status = decoder.Decode(data.ToArray(), message.IsBinary, out again, out var error);
            if (status == SocketIODecodeStatus.Error)
            {
                throw new ContractViolationException("re-encoded packet refused: " + error);
            }
        }

        if (again is null)
        {
            throw new ContractViolationException("re-encoded packet incomplete");
        }

        if (again.Type != packet.Type || again.Namespace != packet.Namespace || again.AckId != packet.AckId
            || again.EventName != packet.EventName || !again.Data.Span.SequenceEqual(packet.Data.Span)
            || again.Attachments.Count != packet.Attachments.Count)
        {
            throw new ContractViolationException(
                $"packet changed through encode and decode: {packet.Type} {packet.Namespace} {packet.AckId} {Encoding.UTF8.GetString(packet.Data.Span)} -> "
                + $"{again.Type} {again.Namespace} {again.AckId} {Encoding.UTF8.GetString(again.Data.Span)}");
        }

        for (var i = 0; i < packet.Attachments.Count; i++)
        {
            if (!again.Attachments[i].Span.SequenceEqual(packet.Attachments[i].Span))
            {
                throw new ContractViolationException($"attachment {i} changed through encode and decode");
            }
        }
    }
}
