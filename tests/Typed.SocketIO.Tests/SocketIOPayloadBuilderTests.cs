using System.Text;
using System.Text.Json;
using Typed.SocketIO;

namespace Typed.SocketIO.Tests;

/// <summary>Building payloads in the shared representation: JSON with JavaScript's bytes, binaries as placeholders.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOPayloadBuilderTests
{
    private static string Json(SocketIOPacket packet) => Encoding.UTF8.GetString(packet.Data.Span);

    [Fact]
    public void Event_without_binary_is_an_event()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.StartEvent("message");
        builder.WriteNumber(1);
        builder.Writer.WriteStringValue("2");
        builder.Writer.WriteStartObject();
        builder.Writer.WritePropertyName("3");
        builder.Writer.WriteStartArray();
        builder.Writer.WriteBooleanValue(true);
        builder.Writer.WriteEndArray();
        builder.Writer.WriteEndObject();

        var packet = builder.ToPacket();

        Assert.Equal(SocketIOPacketType.Event, packet.Type);
        Assert.Equal("[\"message\",1,\"2\",{\"3\":[true]}]", Json(packet));
        Assert.Equal("message", packet.EventName);
        Assert.Empty(packet.Attachments);
        Assert.Null(packet.AckId);
    }

    [Fact]
    public void Binary_arguments_become_placeholders_numbered_in_order()
    {
        using var builder = new SocketIOPayloadBuilder();
        byte[] first = [1, 2, 3];
        byte[] second = [4];
        builder.StartEvent("baz");
        builder.WriteBinary(first);
        builder.Writer.WriteStartObject();
        builder.Writer.WritePropertyName("nested");
        builder.WriteBinary(second);
        builder.Writer.WriteEndObject();

        var packet = builder.ToPacket("/admin", ackId: 4);

        Assert.Equal(SocketIOPacketType.BinaryEvent, packet.Type);
        Assert.Equal("[\"baz\",{\"_placeholder\":true,\"num\":0},{\"nested\":{\"_placeholder\":true,\"num\":1}}]", Json(packet));
        Assert.Equal([first, second], packet.Attachments.Select(a => a.ToArray()));
        Assert.Equal("/admin", packet.Namespace);
        Assert.Equal(4, packet.AckId);
    }

    [Fact]
    public void Ack_arguments_are_an_array_and_binary_makes_a_binary_ack()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.StartAck();
        var empty = builder.ToPacket(ackId: 0);
        builder.StartAck();
        builder.WriteBinary(new byte[] { 9 });
        var binary = builder.ToPacket(ackId: 1);

        Assert.Equal(SocketIOPacketType.Ack, empty.Type);
        Assert.Equal("[]", Json(empty));
        Assert.Equal(SocketIOPacketType.BinaryAck, binary.Type);
        Assert.Equal("[{\"_placeholder\":true,\"num\":0}]", Json(binary));
    }

    [Fact]
    public void Connect_reply_and_connect_error_are_written_whole()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.Writer.WriteStartObject();
        builder.Writer.WriteString("sid", "abc");
        builder.Writer.WriteEndObject();
        var connect = builder.ToPacket(SocketIOPacketType.Connect, "/admin");
        var disconnect = builder.ToPacket(SocketIOPacketType.Disconnect);

        Assert.Equal("{\"sid\":\"abc\"}", Json(connect));
        Assert.True(disconnect.Data.IsEmpty);
    }

    [Fact]
    public void Strings_get_javascript_escaping_not_html_escaping()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.StartEvent("e");
        builder.Writer.WriteStringValue("<a href='x'>&</a> é 日本 😀 \u2028 \u007f \" \\ \n \u001e");

        Assert.Equal("[\"e\",\"<a href='x'>&</a> é 日本 😀 \u2028 \u007f \\\" \\\\ \\n \\u001e\"]", Json(builder.ToPacket()));
    }

    [Fact]
    public void Typed_values_serialize_straight_into_the_payload()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.StartEvent("chat");
        JsonSerializer.Serialize(builder.Writer, new ChatMessage("<b>", 3), BuilderTestJson.Default.ChatMessage);

        Assert.Equal("[\"chat\",{\"Text\":\"<b>\",\"Count\":3}]", Json(builder.ToPacket()));
    }

    [Fact]
    public void Numbers_are_written_as_javascript_prints_them()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.StartEvent("n");
        foreach (var value in new[] { 1.0, -0.0, 1e21, 1e-7, 0.1, double.NaN, double.PositiveInfinity, 123456789012345680000.0 })
        {
            builder.WriteNumber(value);
        }

        Assert.Equal("[\"n\",1,0,1e+21,1e-7,0.1,null,null,123456789012345680000]", Json(builder.ToPacket()));
    }

    [Fact]
    public void Reserved_event_names_cannot_be_emitted()
    {
        using var builder = new SocketIOPayloadBuilder();

        Assert.Throws<ArgumentException>(() => builder.StartEvent("disconnect"));
    }

    [Fact]
    public void Builder_is_reusable_and_each_packet_owns_its_data()
    {
        using var builder = new SocketIOPayloadBuilder();
        builder.StartEvent("one");
        builder.WriteBinary(new byte[] { 1 });
        var first = builder.ToPacket();
        builder.StartEvent("two");
        var second = builder.ToPacket();

        Assert.Equal("[\"one\",{\"_placeholder\":true,\"num\":0}]", Json(first));
        Assert.Single(first.Attachments);
        Assert.Equal("[\"two\"]", Json(second));
        Assert.Empty(second.Attachments);
        Assert.Equal(SocketIOPacketType.Event, second.Type);
    }

    [Fact]
    public void Misuse_is_refused()
    {
        using var builder = new SocketIOPayloadBuilder();
        Assert.Throws<InvalidOperationException>(() => builder.ToPacket());
        Assert.Throws<ArgumentException>(() => builder.ToPacket(SocketIOPacketType.Event));
        builder.StartAck();
        Assert.Throws<InvalidOperationException>(() => builder.StartAck());
        Assert.Throws<InvalidOperationException>(() => builder.ToPacket(SocketIOPacketType.Connect));
    }
}

public sealed record ChatMessage(string Text, int Count);

[System.Text.Json.Serialization.JsonSerializable(typeof(ChatMessage))]
internal sealed partial class BuilderTestJson : System.Text.Json.Serialization.JsonSerializerContext;
