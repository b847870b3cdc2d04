using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit.Abstractions;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Differential test of the MessagePack decoder: generated and mutated binary messages through Typed's decoder and
/// through the reference socket.io-msgpack-parser 3.0.2 on notepack.io 2.2.0 (one Node process per batch:
/// tests/js/msgpack-differential.mjs). Both must accept the same messages and decode them to the same packet, except
/// for the deliberate deviations of docs/protocol/deviations.md (MessagePack part), which <see cref="Deviation"/>
/// names. The inputs come from fixed seeds, so every run checks the same ones.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class MessagePackDifferentialTests(ITestOutputHelper output)
{
    private const int Cases = 2000;
    private const string Seed = "0N0XIzNsQ0O2";

    private static readonly ISocketIOParser s_parser = SocketIOParsers.Get(SocketIOParser.MessagePack);

    /// <summary>Packets of every type as Typed encodes them, then one byte overwritten, inserted or cut.</summary>
    [Fact]
    public async Task Encoded_and_mutated_packets_decode_as_the_reference_decodes_them()
    {
        var encoded = DecoderGenerators.SocketIOPacket.Select(p =>
        {
            var messages = new List<EngineIOOutgoingPacket>();
            s_parser.Encode(p, messages);
            return messages.Single().Encoded.ToArray();
        });
        var cases = Gen.Select(encoded, Gen.Int, Gen.Frequency((3, Gen.OneOf(Interesting)), (1, Gen.Byte)), Gen.Int[0, 3])
            .Select((bytes, at, value, how) => Mutate(bytes, at, value, how))
            .Array[Cases].Single(_ => true, Seed);

        await AssertAgreeAsync(cases);
    }

    /// <summary>
    /// Envelopes built value by value: the known keys and others, repeated or missing, with values of every
    /// MessagePack kind (integers and floats, strings with invalid UTF-8, nil, binary, notepack's and other
    /// extensions, nested containers, non-string map keys), so each of the reference's checks meets its edge cases.
    /// </summary>
    [Fact]
    public async Task Built_envelopes_decode_as_the_reference_decodes_them()
    {
        var cases = Envelope.Array[Cases].Single(_ => true, Seed);
        await AssertAgreeAsync(cases);
    }

    private async Task AssertAgreeAsync(byte[][] cases)
    {
        var answers = await RunNodeAsync(cases);
        var disagreements = new List<string>();
        var accepted = 0;
        var deviations = new Dictionary<string, int>();
        for (var i = 0; i < cases.Length; i++)
        {
            var (ours, error) = DecodeOurs(cases[i]);
            var theirs = answers[i].GetRawText();
            if (SameValue(ours, theirs))
            {
                accepted += ours == Refused ? 0 : 1;
                continue;
            }

            if (ours == Refused && Deviation(cases[i], error!, answers[i]) is { } entry)
            {
                deviations[entry] = deviations.GetValueOrDefault(entry) + 1;
                continue;
            }

            disagreements.Add($"{Convert.ToHexString(cases[i])}\n  ours:   {ours} ({error})\n  theirs: {theirs}");
        }

        output.WriteLine($"{cases.Length} messages: {accepted} accepted by both, {cases.Length - accepted - deviations.Values.Sum() - disagreements.Count} refused by both, "
            + $"deviations {string.Join(", ", deviations.OrderBy(d => d.Key).Select(d => $"{d.Key} {d.Value}"))}, {disagreements.Count} disagreements");
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Take(30)));

        // The generators must reach both outcomes, or the comparison says little.
        Assert.True(accepted > cases.Length / 10, $"only {accepted} of {cases.Length} messages accepted by both");
        Assert.True(cases.Length - accepted - deviations.Values.Sum() > cases.Length / 10, "too few messages refused by both");
    }

    private const string Refused = """{"status":"error"}""";

    /// <summary>Typed's result in the script's shape, and the reason of a refusal.</summary>
    private static (string Result, string? Error) DecodeOurs(byte[] message)
    {
        var decoder = s_parser.CreateDecoder(new SocketIOParserLimits());
        var status = decoder.Decode(message, isBinary: true, out var packet, out var error);
        if (status != SocketIODecodeStatus.Packet)
        {
            Assert.Equal(SocketIODecodeStatus.Error, status); // one message is one packet: never "need more"
            return (Refused, error);
        }

        // deviations.md "Repeated map keys": Typed writes every occurrence, as the JSON parser forwards a JSON text with
        // repeated keys; the reference's object keeps the last value, as JSON.parse does for the same text.
        using var document = JsonDocument.Parse(packet!.Data.IsEmpty ? "null"u8.ToArray() : packet.Data);
        var data = packet.Data.IsEmpty ? null : ParserDifferentialTests.WithBinaries(LastWins(document.RootElement), packet.Attachments);
        var type = packet.Type switch
        {
            SocketIOPacketType.BinaryEvent => SocketIOPacketType.Event, // the reference has no binary types
            SocketIOPacketType.BinaryAck => SocketIOPacketType.Ack,
            var other => other,
        };
        return (new JsonObject
        {
            ["status"] = "packet",
            ["packet"] = new JsonObject { ["type"] = (int)type, ["nsp"] = packet.Namespace, ["id"] = packet.AckId, ["data"] = data },
        }.ToJsonString(), null);
    }

    /// <summary>
    /// Whether two results are the same JavaScript value. Numbers compare as doubles (deviations.md "Large integers":
    /// Typed writes a 64-bit integer exactly, the reference's number is the nearest double, which JSON.parse of
    /// Typed's text gives too); everything else exactly, objects whatever their key order.
    /// </summary>
    private static bool SameValue(string ours, string theirs)
    {
        using var left = JsonDocument.Parse(ours);
        using var right = JsonDocument.Parse(theirs);
        return SameValue(left.RootElement, right.RootElement);
    }

    private static bool SameValue(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Number:
                return a.GetDouble() == b.GetDouble();
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Array:
                return a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(p => SameValue(p.First, p.Second));
            case JsonValueKind.Object:
                var theirs = b.EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
                return a.EnumerateObject().Count() == theirs.Count
                    && a.EnumerateObject().All(p => theirs.TryGetValue(p.Name, out var value) && SameValue(p.Value, value));
            default:
                return true; // true, false, null
        }
    }

    /// <summary>The value as <c>JSON.parse</c> reads it: of a key written twice in an object, the last value.</summary>
    private static JsonNode? LastWins(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    map[property.Name] = LastWins(property.Value);
                }

                return map;
            case JsonValueKind.Array:
                return new JsonArray(element.EnumerateArray().Select(LastWins).ToArray());
            default:
                return JsonNode.Parse(element.GetRawText());
        }
    }

    /// <summary>
    /// The deliberate deviations of docs/protocol/deviations.md (MessagePack part), each clause named after its entry
    /// there: Typed refuses a message the reference accepts, for Typed's stated reason, which the reference's decoded
    /// packet confirms where it can.
    /// </summary>
    private static string? Deviation(byte[] message, string error, JsonElement theirs)
    {
        if (HasRepeatedEnvelopeKey(message))
        {
            // Typed refuses the repeat, or an earlier value of the key the reference's last one replaces.
            return "Envelope keys";
        }

        if (error.StartsWith("unsupported MessagePack extension type", StringComparison.Ordinal))
        {
            return "Extension types";
        }

        if (error is "map keys must be strings")
        {
            return "String map keys";
        }

        if (error is "duplicate key in a MessagePack packet"
            or "a MessagePack packet's keys must be the strings type, nsp, data, id or options"
            or "a MessagePack packet has at most the keys type, nsp, data, id and options")
        {
            return "Envelope keys";
        }

        var packet = theirs.GetProperty("packet");
        if (error == "invalid packet id" && packet.GetProperty("id") is { ValueKind: JsonValueKind.Number } id
            && !(id.TryGetInt64(out var value) && value is >= 0 and <= SocketIOPacketRules.MaxAckId))
        {
            return "Ack ids";
        }

        if (error == "invalid payload" && packet.GetProperty("type").GetInt32() == (int)SocketIOPacketType.Event)
        {
            var data = packet.GetProperty("data");
            if (data.GetArrayLength() == 0)
            {
                return "Event names";
            }

            var name = data[0];
            if (name.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
                || (name.ValueKind == JsonValueKind.String && SocketIOPacketRules.IsReservedEventName(name.GetString()!)))
            {
                return "Event names";
            }
        }

        return null;
    }

    /// <summary>Whether the message is a map in which a key is written twice (the reference keeps the last value).</summary>
    private static bool HasRepeatedEnvelopeKey(byte[] message)
    {
        var reader = new Protocol.Internal.MessagePackSpanReader(message);
        if (!reader.TryRead(out var root, out _) || root.Kind != Protocol.Internal.MessagePackTokenKind.Map)
        {
            return false;
        }

        var keys = new HashSet<string>();
        for (var i = 0; i < root.Count; i++)
        {
            if (!reader.TryRead(out var key, out _))
            {
                return false;
            }

            var text = key.Kind == Protocol.Internal.MessagePackTokenKind.String
                ? Encoding.UTF8.GetString(message, key.Offset, key.Length)
                : Convert.ToHexString(message, key.Offset, Math.Max(key.Length, 0)) + key.Kind + key.Integer;
            if (!keys.Add(text))
            {
                return true;
            }

            // Steps over the value: every container adds its elements to what is left to read.
            long left = 1;
            while (left > 0)
            {
                if (!reader.TryRead(out var token, out _))
                {
                    return false;
                }

                left--;
                if (token.Kind is Protocol.Internal.MessagePackTokenKind.Array or Protocol.Internal.MessagePackTokenKind.Map)
                {
                    left += token.Kind == Protocol.Internal.MessagePackTokenKind.Map ? 2L * token.Count : token.Count;
                }
            }
        }

        return false;
    }

    /// <summary>Bytes that change a MessagePack message's meaning more often than random ones.</summary>
    private static readonly byte[] Interesting =
    [
        0x00, 0x01, 0x02, 0x05, 0x7f, 0x80, 0x81, 0x8f, 0x90, 0x91, 0x9f, 0xa0, 0xa1, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4,
        0xc7, 0xca, 0xcb, 0xcc, 0xcf, 0xd0, 0xd3, 0xd4, 0xd5, 0xd7, 0xd9, 0xdc, 0xde, 0xdf, 0xe0, 0xff,
    ];

    private static byte[] Mutate(byte[] bytes, int at, byte value, int how)
    {
        var index = (int)((uint)at % (bytes.Length + 1));
        var list = bytes.ToList();
        switch (how)
        {
            case 1 when index < list.Count:
                list[index] = value;
                break;
            case 2:
                list.Insert(index, value);
                break;
            case 3 when index < list.Count:
                list.RemoveAt(index);
                break;
        }

        return [.. list];
    }

    private static readonly Gen<string> Word = Gen.Char['a', 'z'].Array[0, 6].Select(chars => new string(chars));

    /// <summary>A MessagePack value of any kind, nested up to three levels.</summary>
    private static readonly Gen<byte[]> Value = Gen.Recursive<byte[]>((depth, self) =>
    {
        var scalar = Gen.Frequency(
            (4, Gen.Long[-40, 300].Select(Int)),
            (1, Gen.OneOf(Gen.Const(long.MinValue), Gen.Const(-(1L << 53)), Gen.Const(1L << 53), Gen.Const(uint.MaxValue + 1L), Gen.Const(long.MaxValue)).Select(Int)),
            (1, Gen.OneOf<double>(0.0, -0.0, 2.0, 2.5, 1e21, 1e-7, 123.456, double.NaN, double.PositiveInfinity).Select(Float64)),
            (1, Gen.Float.Select(f => Float32(f))),
            (4, Word.Select(Str)),
            (1, Gen.OneOf<string>("connect", "disconnect", "newListener", "é日本", "\u2028", "_placeholder", "num").Select(Str)),
            (1, Gen.Const(new byte[] { 0xa2, 0xff, 0xfe })), // a string of invalid UTF-8
            (1, Gen.Const(new byte[] { 0xa3, 0xed, 0xa0, 0x80 })), // a lone surrogate in UTF-8
            (2, Gen.OneOf<byte[]>([0xc0], [0xc2], [0xc3], [0xd4, 0x00, 0x00])), // nil, false, true, notepack's undefined
            (2, Gen.Byte.Array[0, 5].Select(b => (byte[])[0xc4, (byte)b.Length, .. b])), // bin 8
            (1, Gen.Select(Gen.OneOf<byte>(0x00, 0x05, 0xff), Gen.Byte.Array[0, 9], (type, b) => (byte[])[0xc7, (byte)b.Length, type, .. b])), // ext 8
            (1, Gen.OneOf<byte[]>(
                [0xd7, 0x00, 0x42, 0x74, 0x8c, 0x8e, 0x9c, 0x00, 0x00, 0x00], // notepack's Date (float64 milliseconds)
                [0xd6, 0xff, 0x00, 0x00, 0x00, 0x01], // msgpack timestamp 32
                [0xd5, 0x00, 0x01, 0x02]))); // fixext 2 type 0
        return depth >= 3
            ? scalar
            : Gen.Frequency(
                (6, scalar),
                (2, self.Array[0, 4].Select(Arr)),
                (1, Gen.Select(Word.Array[0, 3], self.Array[3], (keys, values) => Map(keys.Select((k, i) => (Str(k), values[i]))))),
                (1, Gen.Select(self, self, (k, v) => Map([(k, v)])))); // a key of any kind
    });

    /// <summary>An event's, ack's or connect's data: mostly what each type wants, sometimes anything.</summary>
    private static readonly Gen<byte[]> Data = Gen.Frequency(
        (4, Gen.Select(Gen.Frequency((4, Word.Select(Str)), (1, Value)), Value.Array[0, 3], (name, rest) => Arr([name, .. rest]))),
        (1, Gen.Const(Arr([]))),
        (1, Gen.Select(Word.Array[0, 3], Value.Array[3], (keys, values) => Map(keys.Select((k, i) => (Str(k), values[i]))))),
        (2, Value));

    private static readonly Gen<(byte[] Key, byte[] Value)> Entry = Gen.Frequency(
        (6, Gen.Frequency((8, Gen.Int[0, 4].Select(t => Int(t))), (2, Value)).Select(v => (Str("type"), v))),
        (6, Gen.Frequency((8, Gen.OneOf<string>("/", "/", "/chat", "", "chat", "/é").Select(Str)), (1, Value)).Select(v => (Str("nsp"), v))),
        (6, Data.Select(v => (Str("data"), v))),
        (3, Gen.Frequency((6, Gen.Long[0, 1000].Select(Int)), (1, Gen.Const(Float64(7.0))), (3, Value)).Select(v => (Str("id"), v))),
        (1, Gen.OneOf(Gen.Const(Map([(Str("compress"), [0xc3])])), Value).Select(v => (Str("options"), v))),
        (1, Gen.Select(Gen.OneOf<string>("x", "Type", "__proto__").Select(Str), Value, (k, v) => (k, v))),
        (1, Gen.Select(Gen.OneOf(Gen.Const(Int(1)), Gen.Const(new byte[] { 0xc0 })), Value, (k, v) => (k, v))));

    /// <summary>The data a packet of <paramref name="type"/> wants (sometimes none), or now and then anything.</summary>
    private static Gen<byte[]?> DataFor(int type) => Gen.Frequency(
        (8, type switch
        {
            0 => Gen.Frequency((1, Gen.Const((byte[]?)null)), (2, Gen.Select(Word.Array[0, 3], Value.Array[3], (keys, values) => (byte[]?)Map(keys.Select((k, i) => (Str(k), values[i])))))),
            1 => Gen.Const((byte[]?)null),
            2 => Data.Select(d => (byte[]?)d),
            3 => Value.Array[0, 3].Select(items => (byte[]?)Arr(items)),
            _ => Gen.Frequency((1, Word.Select(w => (byte[]?)Str(w))), (1, Gen.Select(Word.Array[0, 2], Value.Array[2], (keys, values) => (byte[]?)Map(keys.Select((k, i) => (Str(k), values[i])))))),
        }),
        (1, Gen.Frequency((1, Gen.Const((byte[]?)null)), (3, Value.Select(v => (byte[]?)v)))));

    /// <summary>
    /// A packet map: type and nsp, data and id when present, each now and then of the wrong kind, sometimes a further
    /// or repeated key, in any order; and now and then not a map at all.
    /// </summary>
    private static readonly Gen<byte[]> Envelope = Gen.Frequency(
        (20, Gen.Int[0, 4].SelectMany(type => Gen.Select(
            Gen.Frequency((12, Gen.Const(Int(type))), (1, Gen.Const(Float64(type))), (1, Value), (1, Gen.Int[5, 7].Select(t => Int(t)))),
            Gen.Frequency((12, Gen.OneOf<string>("/", "/", "/chat", "", "chat", "/é").Select(Str)), (1, Value)),
            DataFor(type),
            Gen.Frequency((3, Gen.Const((byte[]?)null)), (3, Gen.Long[0, 1000].Select(i => (byte[]?)Int(i))), (1, Value.Select(v => (byte[]?)v))),
            Gen.Frequency((3, Gen.Const(Array.Empty<(byte[] Key, byte[] Value)>())), (1, Entry.Array[1, 2])),
            Gen.Int,
            (typeValue, nsp, data, id, extras, order) =>
            {
                var entries = new List<(byte[] Key, byte[] Value)> { (Str("type"), typeValue), (Str("nsp"), nsp) };
                if (data is not null)
                {
                    entries.Add((Str("data"), data));
                }

                if (id is not null)
                {
                    entries.Add((Str("id"), id));
                }

                entries.AddRange(extras);
                var random = new Random(order);
                return Map(entries.OrderBy(_ => random.Next()));
            }))),
        (1, Value));

    private static byte[] Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        return bytes.Length < 32 ? [(byte)(0xa0 | bytes.Length), .. bytes] : [0xd9, (byte)bytes.Length, .. bytes];
    }

    private static byte[] Int(long v)
    {
        var buffer = new byte[9];
        switch (v)
        {
            case >= 0 and < 128: return [(byte)v];
            case < 0 and >= -32: return [(byte)(sbyte)v];
            case >= 0 and <= uint.MaxValue:
                buffer[0] = 0xce;
                BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), (uint)v);
                return buffer[..5];
            case >= int.MinValue and < 0:
                buffer[0] = 0xd2;
                BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(1), (int)v);
                return buffer[..5];
            default:
                buffer[0] = 0xd3;
                BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(1), v);
                return buffer;
        }
    }

    private static byte[] Float64(double v)
    {
        var buffer = new byte[9];
        buffer[0] = 0xcb;
        BinaryPrimitives.WriteDoubleBigEndian(buffer.AsSpan(1), v);
        return buffer;
    }

    private static byte[] Float32(float v)
    {
        var buffer = new byte[5];
        buffer[0] = 0xca;
        BinaryPrimitives.WriteSingleBigEndian(buffer.AsSpan(1), v);
        return buffer;
    }

    private static byte[] Arr(IReadOnlyList<byte[]> items) => [(byte)(0x90 | items.Count), .. items.SelectMany(i => i)];

    private static byte[] Map(IEnumerable<(byte[] Key, byte[] Value)> entries)
    {
        var list = entries.ToList();
        return [(byte)(0x80 | list.Count), .. list.SelectMany(e => e.Key.Concat(e.Value))];
    }

    /// <summary>Runs the script once for the whole batch: one JSON line in, one out, per message.</summary>
    private static async Task<List<JsonElement>> RunNodeAsync(byte[][] messages)
    {
        var lines = await NodeScript.RunLinesAsync("msgpack-differential.mjs", messages.Select(m => (object)new { binary = Convert.ToBase64String(m) }));
        Assert.Equal(messages.Length, lines.Count);
        return lines;
    }
}
