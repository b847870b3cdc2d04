using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Differential tests: generated and mutated inputs through Typed's decoders and through the reference parsers
/// (npm engine.io-parser 5.2.3, socket.io-parser 4.2.7, in one Node process per batch: tests/js/parser-differential.mjs).
/// Both must accept the same inputs and decode them to the same packets, except for the deliberate deviations of
/// docs/protocol/deviations.md, which <see cref="IsDeviation"/> names. The inputs are one array generated from a
/// fixed seed (CsCheck's Sample only starts from a seed, then goes on at random), so every run checks the same ones.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class ParserDifferentialTests
{
    private const int Cases = 2000;
    private const string Seed = "0N0XIzNsQ0O2";

    [Fact]
    public async Task EngineIO_decoders_agree_with_engine_io_parser()
    {
        var payloadText = DecoderGenerators.EngineIOPacket.Array[1, 5].Select(EncodeText);
        var texts = Gen.Select(payloadText, Gen.Int, Gen.OneOf<string>("", "\u001e", "b", "=", "!", "4", "7", " ", "\u00e9"), Gen.Int[0, 3])
            .Select((text, at, insert, how) => Mutate(text, at, insert, how))
            .Array[Cases].Single(_ => true, Seed);

        var lines = texts.SelectMany(t => new object[] { new { kind = "eio-packet", text = t }, new { kind = "eio-payload", text = t } });
        var answers = await RunNodeAsync(lines);
        var disagreements = new List<string>();
        for (var i = 0; i < texts.Length; i++)
        {
            Compare(texts[i], payload: false, answers[2 * i], disagreements);
            Compare(texts[i], payload: true, answers[(2 * i) + 1], disagreements);
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Take(20)));
    }

    [Fact]
    public async Task SocketIO_json_decoder_agrees_with_socket_io_parser()
    {
        var parser = SocketIOParsers.Get(SocketIOParser.Json);
        var valid = DecoderGenerators.SocketIOPacket.Select(p =>
        {
            var messages = new List<EngineIOOutgoingPacket>();
            parser.Encode(p, messages);
            return messages.Select(m => m.IsBinary ? ((string?)null, m.Encoded.ToArray()) : (Encoding.UTF8.GetString(m.Encoded.Span[1..]), (byte[]?)null)).ToArray();
        });
        var cases = Gen.Select(valid, Gen.Int, Gen.OneOf<string>("", "-", "/", ",", "[", "]", "{", "\"", "0", "9", "1-", "_placeholder", "\"num\":1", "connect", " ", "\u00e9"), Gen.Int[0, 3])
            .Select((frames, at, insert, how) =>
            {
                var index = (int)((uint)at % frames.Length);
                if (frames[index].Item1 is { } text)
                {
                    frames[index] = (Mutate(text, at / 7, insert, how), null);
                }

                return frames;
            })
            .Array[Cases].Single(_ => true, Seed);

        var lines = cases.Select(frames => new
        {
            kind = "sio",
            frames = frames.Select(f => f.Item1 is { } t ? (object)new { text = t } : new { binary = Convert.ToBase64String(f.Item2!) }),
        });
        var answers = await RunNodeAsync(lines);
        var disagreements = new List<string>();
        for (var i = 0; i < cases.Length; i++)
        {
            var ours = DecodeOurs(parser, cases[i]);
            var theirs = answers[i].GetProperty("results").EnumerateArray().Select(r => r.GetRawText()).ToList();
            if (!(ours.Count == theirs.Count && ours.Zip(theirs).All(p => JsonEquals(p.First, p.Second))) && !IsDeviation(cases[i], ours, theirs))
            {
                disagreements.Add(Describe(cases[i]) + "\n  ours:   " + string.Join(" ", ours) + "\n  theirs: " + string.Join(" ", theirs));
            }
        }

        // One example per kind of disagreement (the frame's start and both results' statuses).
        var examples = disagreements.GroupBy(d => d.Length > 3 ? d[..3] + string.Join("", d.Split('\n').Skip(1).Select(l => l.Length > 30 ? l[..30] : l)) : d)
            .Select(g => g.First());
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n" + string.Join("\n", examples.Take(40)));
    }

    /// <summary>One result per frame, in the script's shape, until the first error (as the reference stops).</summary>
    private static List<string> DecodeOurs(ISocketIOParser parser, (string? Text, byte[]? Binary)[] frames)
    {
        var decoder = parser.CreateDecoder(new SocketIOParserLimits());
        var results = new List<string>();
        foreach (var (text, binary) in frames)
        {
            var status = decoder.Decode(text is not null ? Encoding.UTF8.GetBytes(text) : binary!, text is null, out var packet, out _);
            if (status == SocketIODecodeStatus.Error)
            {
                results.Add("""{"status":"error"}""");
                break;
            }

            if (status == SocketIODecodeStatus.NeedMore)
            {
                results.Add("""{"status":"needmore"}""");
                continue;
            }

            var data = packet!.Data.IsEmpty ? null : WithBinaries(JsonNode.Parse(packet.Data.Span), packet.Attachments);
            var type = packet.Type switch
            {
                SocketIOPacketType.BinaryEvent => SocketIOPacketType.Event, // the reference reports a rebuilt packet as 2/3
                SocketIOPacketType.BinaryAck => SocketIOPacketType.Ack,
                var other => other,
            };
            results.Add(new JsonObject
            {
                ["status"] = "packet",
                ["packet"] = new JsonObject { ["type"] = (int)type, ["nsp"] = packet.Namespace, ["id"] = packet.AckId, ["data"] = data },
            }.ToJsonString());
        }

        return results;
    }

    /// <summary>Placeholders replaced by <c>{"$bin":base64}</c>, as the script writes the reference's rebuilt buffers.</summary>
    internal static JsonNode? WithBinaries(JsonNode? node, IReadOnlyList<ReadOnlyMemory<byte>> attachments)
    {
        switch (node)
        {
            case JsonObject o when attachments.Count > 0 && o["_placeholder"] is JsonValue p && p.GetValueKind() == JsonValueKind.True
                && o["num"] is JsonValue n && n.GetValueKind() == JsonValueKind.Number:
                return new JsonObject { ["$bin"] = Convert.ToBase64String(attachments[(int)n.GetValue<double>()].Span) };
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).ToList())
                {
                    var child = o[key];
                    o[key] = null;
                    o[key] = WithBinaries(child?.DeepClone(), attachments);
                }

                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    a[i] = WithBinaries(a[i]?.DeepClone(), attachments);
                }

                return a;
            default:
                return node;
        }
    }

    /// <summary>
    /// The deliberate deviations of docs/protocol/deviations.md (Socket.IO part); each clause names its entry there.
    /// Typed may refuse a frame the reference accepts only for one of the listed reasons, and only after both agreed
    /// on every frame before it; whatever the reference makes of the frames after that does not matter.
    /// </summary>
    private static bool IsDeviation((string? Text, byte[]? Binary)[] frames, List<string> ours, List<string> theirs)
    {
        var at = 0;
        while (at < ours.Count && at < theirs.Count && JsonEquals(ours[at], theirs[at]))
        {
            at++;
        }

        if (at >= ours.Count || at >= theirs.Count)
        {
            return false;
        }

        var text = frames[at].Text;
        if (ours[at] == """{"status":"error"}""")
        {
            if (theirs[at] == """{"status":"error"}""" || text is null)
            {
                return false;
            }

            var header = s_header.Match(text);
            return text.Length == 0 // "Empty packet": the reference reads "" as a CONNECT to "/"
                || (header.Success && header.Groups["rest"].Length == 0 && text[0] is >= '2' and <= '6') // "Payload required"
                || (header.Success && header.Groups["id"].Length > 16) // "Ack ids": more than 16 digits
                || (header.Success && header.Groups["id"].Length > 0 && long.Parse(header.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture) > SocketIOPacketRules.MaxAckId)
                || s_whitespaceInHeader.IsMatch(text); // "Digits only": whitespace read as digits by Number()
        }

        // "Digits only" (BAD-INPUTS C16): the reference reads Number(" ") as the ack id 0; Typed reads no id. The
        // packet completes on its last attachment (a binary frame), so the header is the last text frame up to here.
        var headerAt = at;
        while (headerAt > 0 && frames[headerAt].Text is null)
        {
            headerAt--;
        }

        text = frames[headerAt].Text;
        return text is not null && s_whitespaceInHeader.IsMatch(text)
            && JsonEquals(ours[at], theirs[at].Replace("\"id\":0,", "\"id\":null,", StringComparison.Ordinal))
            && at == ours.Count - 1;
    }

    /// <summary>type, attachment count, namespace, ack id, and the rest (the payload).</summary>
    private static readonly System.Text.RegularExpressions.Regex s_header =
        new(@"^[0-6]([0-9]+-)?(/[^,]*(,|$))?(?<id>[0-9]*)(?<rest>.*)$", System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Whitespace where the header has a number: after the type, in or after the count, after the namespace.</summary>
    private static readonly System.Text.RegularExpressions.Regex s_whitespaceInHeader =
        new(@"^(\s|[0-6](?:[0-9\s]*-)?(?:/[^,]*,)?[0-9]*\s)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static void Compare(string text, bool payload, JsonElement theirs, List<string> disagreements)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var packets = new List<EngineIOPacket>();
        bool ok;
        if (payload)
        {
            ok = EngineIOCodec.TryDecodePayload(bytes, packets, 10_000, out _);
        }
        else
        {
            ok = EngineIOCodec.TryDecodeText(bytes, out var packet, out _);
            packets.Add(packet);
        }

        var theirsOk = theirs.GetProperty("ok").GetBoolean();
        if (ok != theirsOk)
        {
            if (!ok && IsEngineIODeviation(text, payload))
            {
                return;
            }

            disagreements.Add($"{(payload ? "payload" : "packet")} {JsonSerializer.Serialize(text)}: ours {(ok ? "accepted" : "refused")}, theirs {(theirsOk ? "accepted" : "refused")}");
            return;
        }

        if (!ok)
        {
            return;
        }

        var expected = theirs.GetProperty("packets").EnumerateArray().ToList();
        if (expected.Count != packets.Count)
        {
            disagreements.Add($"payload {JsonSerializer.Serialize(text)}: {packets.Count} packets, theirs {expected.Count}");
            return;
        }

        for (var i = 0; i < packets.Count; i++)
        {
            var p = packets[i];
            var e = expected[i];
            var sameType = e.GetProperty("type").GetString() == TypeName(p.Type);
            var sameData = p.IsBinary
                ? e.TryGetProperty("binary", out var b) && b.GetString() == Convert.ToBase64String(p.Data.Span)
                : e.TryGetProperty("text", out var t) && t.GetString() == Encoding.UTF8.GetString(p.Data.Span);
            if (!sameType || !sameData)
            {
                disagreements.Add($"{JsonSerializer.Serialize(text)}: packet {i} differs: ours {TypeName(p.Type)} {(p.IsBinary ? "binary" : "text")}, theirs {e.GetRawText()}");
            }
        }
    }

    /// <summary>
    /// deviations.md "Strict base64": the reference decodes <c>b…</c> with Node's lenient base64 (bad characters
    /// skipped, padding optional); Typed refuses anything but strict padded base64 (BAD-INPUTS A17).
    /// </summary>
    private static bool IsEngineIODeviation(string text, bool payload) =>
        (payload ? text.Split('\u001e') : [text]).Any(piece => piece.StartsWith('b') && !IsStrictBase64(piece[1..]));

    private static bool IsStrictBase64(string s)
    {
        var buffer = new byte[s.Length];
        return s.All(c => c < 128) && s.Length % 4 == 0 && !s.TrimEnd('=').Contains('=') && s.Length - s.TrimEnd('=').Length <= 2
            && Convert.TryFromBase64String(s, buffer, out _) && !s.Any(char.IsWhiteSpace);
    }

    private static string TypeName(EngineIOPacketType type) =>
        type switch
        {
            EngineIOPacketType.Open => "open",
            EngineIOPacketType.Close => "close",
            EngineIOPacketType.Ping => "ping",
            EngineIOPacketType.Pong => "pong",
            EngineIOPacketType.Message => "message",
            EngineIOPacketType.Upgrade => "upgrade",
            _ => "noop",
        };

    private static string EncodeText(EngineIOOutgoingPacket[] packets)
    {
        var writer = new ArrayBufferWriter<byte>();
        EngineIOCodec.WritePayload(packets, writer);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }

    private static string Mutate(string text, int at, string insert, int how)
    {
        var index = text.Length == 0 ? 0 : (int)((uint)at % (text.Length + 1));
        return how switch
        {
            0 => text,
            1 => text.Insert(index, insert),
            2 => text[..index] + (index < text.Length ? text[(index + 1)..] : ""),
            _ => text[..index],
        };
    }

    internal static bool JsonEquals(string a, string b)
    {
        using var left = JsonDocument.Parse(a);
        using var right = JsonDocument.Parse(b);
        return JsonElement.DeepEquals(left.RootElement, right.RootElement);
    }

    private static string Describe((string? Text, byte[]? Binary)[] frames) =>
        string.Join(" | ", frames.Select(f => f.Text is { } t ? JsonSerializer.Serialize(t) : "bin:" + Convert.ToHexString(f.Binary!)));

    /// <summary>Runs the script once for the whole batch: one JSON line in, one out, per case.</summary>
    private static Task<List<JsonElement>> RunNodeAsync(IEnumerable<object> inputs) =>
        NodeScript.RunLinesAsync("parser-differential.mjs", inputs);
}
