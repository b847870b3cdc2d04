using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>
/// Our JSON bytes against real <c>JSON.stringify</c> in Node: strings through <see cref="Utf8JsonWriter"/> with
/// <see cref="JavaScriptJsonEncoder"/>, strings from UTF-8 (the MessagePack transcoder), numbers and dates.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class JavaScriptJsonTests
{
    private static string[] StringCorpus()
    {
        var corpus = new List<string>();
        for (var c = 0; c < 0x80; c++)
        {
            corpus.Add("a" + (char)c + "b");
        }

        corpus.AddRange(
        [
            "", "plain", "\u2028", "\u2029", "x\u2028y\u2029z", "\u007f", "é", "日本", "😀", "a😀b", "\uFFFD", "\uFEFF",
            "<script>&'+`", "\u0085\u00a0\u00ad", "\u061c\u200b\u200e", "\U0001F469\u200D\U0001F4BB", "\"\\/\b\f\n\r\t",
            "mixed é\u0001日本\u001f😀\"", new string('x', 300) + "\u001e" + new string('é', 200),
        ]);
        return corpus.ToArray();
    }

    private static string[] StringifyInNode(IEnumerable<string> strings)
    {
        // Strings travel as UTF-16 code units, so lone surrogates arrive intact.
        var units = strings.Select(s => s.Select(c => (int)c).ToArray()).ToArray();
        var result = NodeScript.RunInline(
            "out(input.map(u => Buffer.from(JSON.stringify(String.fromCharCode(...u)), 'utf8').toString('hex')));",
            units);
        return result.EnumerateArray().Select(e => Encoding.UTF8.GetString(Convert.FromHexString(e.GetString()!))).ToArray();
    }

    private static string WriteWithEncoder(string value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JavaScriptJson.WriterOptions))
        {
            writer.WriteStringValue(value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string WriteFromUtf8(byte[] utf8)
    {
        var output = new PooledByteBufferWriter();
        JavaScriptJson.WriteString(output, utf8);
        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        output.Clear();
        return text;
    }

    [Fact]
    public void Strings_written_through_utf8jsonwriter_match_json_stringify_byte_for_byte()
    {
        var corpus = StringCorpus();
        var expected = StringifyInNode(corpus);

        for (var i = 0; i < corpus.Length; i++)
        {
            Assert.True(expected[i] == WriteWithEncoder(corpus[i]), $"#{i} {Escape(corpus[i])}: node {expected[i]} ours {WriteWithEncoder(corpus[i])}");
        }
    }

    [Fact]
    public void Lone_surrogates_are_the_one_difference_and_become_U_FFFD()
    {
        // JSON.stringify writes "\ud800"; System.Text.Json replaces the lone surrogate with U+FFFD before any encoder
        // sees it, so the best we can write is what JavaScript writes for U+FFFD.
        string[] lone = ["\ud800", "a\udc00b", "\udbff\ud800", "x\ud83d"];
        var node = StringifyInNode(lone);
        Assert.Equal(["\"\\ud800\"", "\"a\\udc00b\"", "\"\\udbff\\ud800\"", "\"x\\ud83d\""], node);

        var replaced = StringifyInNode(lone.Select(s => new string(s.Select(c => char.IsSurrogate(c) ? '\uFFFD' : c).ToArray())));
        Assert.Equal(replaced, lone.Select(WriteWithEncoder));
    }

    [Fact]
    public void Strings_from_utf8_match_json_stringify_of_nodes_utf8_decoding_including_invalid_bytes()
    {
        var corpus = StringCorpus().Select(Encoding.UTF8.GetBytes).ToList();
        corpus.AddRange(new[]
        {
            "ff", "c0af", "e0 80 af", "ed a0 80", "ed bf bf", "f4 90 80 80", "f0 9f 98", "e2 82", "80 80 41", "c3",
            "41 fe 42 ff 43", "f8 88 80 80 80", "ef bf bd", "e2 80 a8", "c2 85", "22 5c 1e ff 0a",
        }.Select(h => Convert.FromHexString(h.Replace(" ", ""))));

        var expected = NodeScript.RunInline(
            "out(input.map(h => Buffer.from(JSON.stringify(Buffer.from(h, 'hex').toString('utf8')), 'utf8').toString('hex')));",
            corpus.Select(Convert.ToHexString).ToArray());

        var i = 0;
        foreach (var hex in expected.EnumerateArray())
        {
            var node = Encoding.UTF8.GetString(Convert.FromHexString(hex.GetString()!));
            Assert.True(node == WriteFromUtf8(corpus[i]), $"#{i} {Convert.ToHexString(corpus[i])}: node {node} ours {WriteFromUtf8(corpus[i])}");
            i++;
        }
    }

    private static double[] NumberCorpus()
    {
        var corpus = new List<double>
        {
            0, -0.0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 1.5, -2.5, 100, 1e6, 123.456, 1.0 / 3, 2.0 / 3, Math.PI, Math.E,
            1e20, 1e21, 1e22, 123456789012345680000.0, 1.2345678901234567e21, 999999999999999900000.0,
            1e-6, 1e-7, 1.5e-6, 1.5e-7, 0.000001, 0.0000012345, 1e-5, 0.00001234,
            double.MaxValue, double.MinValue, double.Epsilon, 2.2250738585072014e-308, 4.9406564584124654e-324,
            9007199254740991, 9007199254740992, 9007199254740993, -9007199254740991, 4294967295, 4294967296,
            1e15, 1e16, 1e17, 123456789012345.6, 0.5, 5e-324, 1.7976931348623157e308, 1e300, 1e-300,
            (double)0.1f, (double)3.4028235e38f, (double)1.17549435e-38f,
        };
        var random = new Random(1234);
        Span<byte> bits = stackalloc byte[8];
        for (var i = 0; i < 3000; i++)
        {
            random.NextBytes(bits);
            var value = BitConverter.ToDouble(bits);
            if (double.IsFinite(value))
            {
                corpus.Add(value);
            }

            corpus.Add(Math.Round(random.NextDouble() * Math.Pow(10, random.Next(-10, 25)), random.Next(0, 8)));
            corpus.Add(random.NextInt64(long.MinValue, long.MaxValue) / Math.Pow(10, random.Next(0, 20)));
        }

        return corpus.ToArray();
    }

    [Fact]
    public void Numbers_match_json_stringify_byte_for_byte()
    {
        var corpus = NumberCorpus();
        var bits = corpus.Select(d => BitConverter.DoubleToInt64Bits(d).ToString("x16")).ToArray();
        var expected = NodeScript.RunInline(
            "out(input.map(h => JSON.stringify(Buffer.from(h, 'hex').readDoubleBE(0))));",
            bits);

        Span<byte> text = stackalloc byte[JavaScriptJson.MaxNumberLength];
        var i = 0;
        foreach (var node in expected.EnumerateArray())
        {
            var length = JavaScriptJson.FormatNumber(corpus[i], text);
            var ours = Encoding.ASCII.GetString(text[..length]);
            Assert.True(node.GetString() == ours, $"{corpus[i]:R} ({bits[i]}): node {node.GetString()} ours {ours}");
            i++;
        }

        Assert.Equal(corpus.Length, i);
    }

    [Fact]
    public void Dates_match_json_stringify_across_the_whole_javascript_range()
    {
        var corpus = new List<long>
        {
            0, 1, -1, 1704164645678, 951782400000, 946684799999, -62135596800000, -62167219200000, -62167219200001,
            253402300799999, 253402300800000, 8_640_000_000_000_000, -8_640_000_000_000_000, 8_640_000_000_000_001,
            -8_640_000_000_000_001, long.MaxValue, long.MinValue, -86_400_000, -86_399_999, 68_169_600_000,
        };
        var random = new Random(42);
        for (var i = 0; i < 2000; i++)
        {
            corpus.Add(random.NextInt64(-8_640_000_000_000_000, 8_640_000_000_000_000));
            corpus.Add(random.NextInt64(-100_000_000_000_000, 300_000_000_000_000));
        }

        var expected = NodeScript.RunInline("out(input.map(ms => JSON.stringify(new Date(Number(ms)))));", corpus.Select(ms => ms.ToString()).ToArray());

        Span<byte> text = stackalloc byte[JavaScriptDate.MaxQuotedLength];
        var index = 0;
        foreach (var node in expected.EnumerateArray())
        {
            var ours = Encoding.ASCII.GetString(text[..JavaScriptDate.FormatQuoted(corpus[index], text)]);
            Assert.True(node.GetString() == ours, $"{corpus[index]}: node {node.GetString()} ours {ours}");
            index++;
        }
    }

    private static string Escape(string value) =>
        string.Concat(value.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:x4}" : c.ToString()));
}
