using System.Text;
using System.Text.Json;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>
/// <see cref="JavaScriptJsonEncoder"/> and <see cref="JavaScriptJson"/> on their own (no Node): property names, UTF-8
/// input, non-finite numbers and exactly which characters get escaped.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class JavaScriptJsonEncoderTests
{
    [Fact]
    public void Property_names_get_the_same_escaping()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JavaScriptJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("<k\u001e>", "v");
            writer.WriteEndObject();
        }

        Assert.Equal("{\"<k\\u001e>\":\"v\"}", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Utf8_input_to_the_writer_gets_the_same_escaping()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JavaScriptJson.WriterOptions))
        {
            writer.WriteStringValue("<é\u001e\"😀>"u8);
        }

        Assert.Equal("\"<é\\u001e\\\"😀>\"", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_numbers_are_null(double value)
    {
        Span<byte> text = stackalloc byte[JavaScriptJson.MaxNumberLength];
        Assert.Equal("null", Encoding.ASCII.GetString(text[..JavaScriptJson.FormatNumber(value, text)]));
    }

    [Fact]
    public void The_encoder_only_escapes_what_javascript_escapes()
    {
        var encoder = JavaScriptJsonEncoder.Instance;
        for (var scalar = 0; scalar < 0x110000; scalar++)
        {
            var expected = scalar < 0x20 || scalar == '"' || scalar == '\\' || scalar is >= 0xD800 and <= 0xDFFF;
            if (encoder.WillEncode(scalar) != expected)
            {
                Assert.Fail($"U+{scalar:X4}");
            }
        }

        Assert.Equal(-1, encoder.FindFirstCharacterToEncodeUtf8("<>&'+é日本😀\u2028\u007f"u8));
        Assert.Equal(3, encoder.FindFirstCharacterToEncodeUtf8("abc\"def"u8));
        Assert.Equal(1, encoder.FindFirstCharacterToEncodeUtf8([(byte)'a', 0xff, (byte)'b']));
    }
}
