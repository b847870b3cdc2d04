using System.Text;
using System.Text.Json;
using Xunit;

namespace Typed.SocketIO.Tests;

/// <summary>The error acknowledgement's wire shape: written and recognised, and never confused with a result.</summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketIOErrorAckTests
{
    [Fact]
    public void Written_error_reads_back_with_every_field()
    {
        var json = Ack(w => SocketIOErrorAck.Write(w, new SocketIOError(SocketIOErrorCodes.BindingError, "not a number", "count", 1)));

        Assert.Equal("""[{"$error":{"code":"binding_error","message":"not a number","parameter":"count","position":1}}]""", json);
        Assert.True(SocketIOErrorAck.TryRead(Arguments(json), out var error));
        Assert.Equal(new SocketIOError("binding_error", "not a number", "count", 1), error);
    }

    [Fact]
    public void Error_without_parameter_omits_it()
    {
        var json = Ack(w => SocketIOErrorAck.Write(w, new SocketIOError(SocketIOErrorCodes.HandlerError, "failed")));

        Assert.Equal("""[{"$error":{"code":"handler_error","message":"failed"}}]""", json);
        Assert.True(SocketIOErrorAck.TryRead(Arguments(json), out var error));
        Assert.Null(error!.Parameter);
        Assert.Null(error.Position);
    }

    [Theory]
    [InlineData("""[{"ok":false,"error":"taken"}]""")] // a result with an error property of its own
    [InlineData("""[{"$error":{"code":"x","message":"y"},"other":1}]""")] // not the only property
    [InlineData("""[{"$error":{"code":"x"}}]""")] // no message
    [InlineData("""[{"$error":"text"}]""")]
    [InlineData("""[{"$error":{"code":"x","message":"y"}},2]""")] // more than one argument
    [InlineData("""["$error"]""")]
    [InlineData("""[]""")]
    public void Anything_else_is_a_result(string json) => Assert.False(SocketIOErrorAck.TryRead(Arguments(json), out _));

    private static string Ack(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            write(writer);
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static SocketIOArguments Arguments(string json) => SocketIOArguments.FromArray(Encoding.UTF8.GetBytes(json), [], skipFirst: false);
}
