using System.Text;
using CsCheck;

namespace Typed.SocketIO.Tests;

/// <summary>CsCheck generators for the decoder property tests: valid packets of every type, and hostile bytes.</summary>
internal static class DecoderGenerators
{
    /// <summary>Text without <c>\x1e</c> (nothing escapes it in a payload) and without lone surrogates.</summary>
    public static readonly Gen<string> Text =
        Gen.Frequency((4, Gen.Char['a', 'z']), (2, Gen.Char[' ', '~']), (1, Gen.Char['\0', '\u001d']), (1, Gen.Char['\u00a0', '\ud7ff']))
            .Array[0, 24].Select(chars => new string(chars));

    public static readonly Gen<EngineIOOutgoingPacket> EngineIOPacket = Gen.Frequency(
        (3, Gen.Select(Gen.Int[0, 6], Text, (type, data) => EngineIOOutgoingPacket.FromEncodedText(Encoding.UTF8.GetBytes((char)('0' + type) + data)))),
        (1, Gen.Byte.Array[0, 48].Select(bytes => EngineIOOutgoingPacket.FromBinary(bytes))));

    private static readonly Gen<string> Word = Gen.Char['a', 'z'].Array[1, 8].Select(chars => new string(chars));

    /// <summary>A JSON value in the form both parsers write back unchanged: integers, plain strings, nesting.</summary>
    public static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, self) =>
    {
        var scalar = Gen.OneOf(
            Gen.Int[-1_000_000, 1_000_000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Word.Select(w => "\"" + w + "\""),
            Gen.OneOf<string>("true", "false", "null", "\"\""));
        return depth >= 3
            ? scalar
            : Gen.Frequency(
                (4, scalar),
                (1, self.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]")),
                (1, Gen.Select(Word.Array[0, 3], self.Array[3], (keys, values) =>
                    "{" + string.Join(",", keys.Distinct().Select((k, i) => "\"" + k + "\":" + values[i])) + "}")));
    });

    /// <summary>Any Socket.IO packet the parsers encode: every type, namespaces, ack ids, binary attachments.</summary>
    public static readonly Gen<SocketIOPacket> SocketIOPacket = Gen.Int[0, 6].SelectMany(type => (SocketIOPacketType)type switch
    {
        SocketIOPacketType.Connect => Gen.Select(Namespace, Gen.Bool, JsonValue.Array[0, 2], (ns, hasAuth, values) => new SocketIOPacket
        {
            Type = SocketIOPacketType.Connect,
            Namespace = ns,
            Data = hasAuth ? Encoding.UTF8.GetBytes("{" + string.Join(",", values.Select((v, i) => "\"k" + i + "\":" + v)) + "}") : default,
        }),
        SocketIOPacketType.Disconnect => Namespace.Select(ns => new SocketIOPacket { Type = SocketIOPacketType.Disconnect, Namespace = ns }),
        SocketIOPacketType.ConnectError => Gen.Select(Namespace, Word, Gen.Bool, (ns, message, asObject) => new SocketIOPacket
        {
            Type = SocketIOPacketType.ConnectError,
            Namespace = ns,
            Data = Encoding.UTF8.GetBytes(asObject ? "{\"message\":\"" + message + "\"}" : "\"" + message + "\""),
        }),
        _ => Gen.Select(Namespace, AckId, JsonValue.Array[0, 4], Gen.Byte.Array[0, 16].Array[0, 3], Word, (ns, ackId, args, binaries, name) =>
        {
            var isEvent = (SocketIOPacketType)type is SocketIOPacketType.Event or SocketIOPacketType.BinaryEvent;
            // Placeholders in the order their attachments are numbered, after the plain arguments.
            var items = (isEvent ? ["\"e" + name + "\""] : Array.Empty<string>())
                .Concat(args)
                .Concat(binaries.Select((_, i) => "{\"_placeholder\":true,\"num\":" + i + "}"));
            return new SocketIOPacket
            {
                Type = (SocketIOPacketType)type,
                Namespace = ns,
                AckId = isEvent ? ackId : ackId ?? 0,
                Data = Encoding.UTF8.GetBytes("[" + string.Join(",", items) + "]"),
                EventName = isEvent ? "e" + name : null,
                Attachments = binaries.Select(b => (ReadOnlyMemory<byte>)b).ToArray(),
            };
        }),
    });

    private static Gen<string> Namespace => Gen.Frequency((2, Gen.Const("/")), (1, Word.Select(w => "/" + w)));

    private static Gen<long?> AckId => Gen.Frequency(
        (2, Gen.Const((long?)null)),
        (2, Gen.Long[0, 1000].Select(id => (long?)id)),
        (1, Gen.Long[0, Protocol.SocketIOPacketRules.MaxAckId].Select(id => (long?)id)));

    /// <summary>Bytes that look like protocol text more often than not: digits, punctuation, JSON, separators.</summary>
    public static readonly Gen<byte[]> HostileBytes = Gen.Frequency(
        (1, Gen.Byte.Array[0, 64]),
        (2, Gen.Frequency(
            (4, Gen.OneOf<string>("0", "1", "2", "3", "4", "5", "6", "b", "-", "/", ",", "[", "]", "{", "}", "\"", ":", "\u001e", "_placeholder", "num", "true", "AQID", "==")
                .Select(s => Encoding.UTF8.GetBytes(s))),
            (1, Gen.Byte.Array[1, 4])).Array[0, 24].Select(parts => parts.SelectMany(p => p).ToArray())));
}
