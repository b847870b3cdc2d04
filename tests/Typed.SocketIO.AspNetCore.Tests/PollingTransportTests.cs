using System.Net;
using System.Text;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using static Typed.SocketIO.AspNetCore.Tests.Infrastructure.PollingTestSupport;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>HTTP long-polling: POST carries the client's payload, GET the server's (SPEC A3, A6).</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class PollingTransportTests
{
    [Fact]
    public async Task Posted_text_message_is_delivered_and_its_echo_comes_back_on_the_next_get()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, "4hello");

        var received = await server.Handler.NextMessageAsync();
        Assert.Equal(sid, received.Sid);
        Assert.False(received.IsBinary);
        Assert.Equal("hello", Encoding.UTF8.GetString(received.Data));
        Assert.Equal("4hello", await server.PollBodyAsync(sid));
    }

    [Fact]
    public async Task Posted_base64_binary_message_is_delivered_as_bytes_and_comes_back_as_base64()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, "bAQIDBA==");

        var received = await server.Handler.NextMessageAsync();
        Assert.True(received.IsBinary);
        Assert.Equal([1, 2, 3, 4], received.Data);
        Assert.Equal("bAQIDBA==", await server.PollBodyAsync(sid));
    }

    [Fact]
    public async Task Post_is_answered_200_ok_as_text_html_with_no_store()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        using var response = await server.PostAsync(sid, "4hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, response.Content.Headers.ContentLength);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Get_response_is_text_plain_utf8_with_no_store()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        server.Handler.Socket(sid).Send("x");

        using var response = await server.PollAsync(sid);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("4x", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Messages_queued_while_no_get_is_pending_come_back_joined_by_record_separators_in_one_get()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        socket.Send("one");
        socket.Send("two");
        socket.Send(new byte[] { 1, 2, 3 });
        socket.Send("three");

        Assert.Equal("4one\u001e4two\u001ebAQID\u001e4three", await server.PollBodyAsync(sid));

        // Nothing was left behind: the next GET waits until there is something new.
        var next = server.PollBodyAsync(sid);
        await socket.WaitForPendingGetAsync();
        Assert.False(next.IsCompleted);
        socket.Send("four");
        Assert.Equal("4four", await next.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
    }

    [Fact]
    public async Task Get_held_open_is_released_as_soon_as_a_message_is_sent()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();
        var socket = server.Handler.Socket(sid);

        var get = server.PollBodyAsync(sid);
        await socket.WaitForPendingGetAsync();
        await Task.Delay(100);
        Assert.False(get.IsCompleted, "The GET was answered although nothing was queued.");

        socket.Send("wake up");

        Assert.Equal("4wake up", await get.WaitAsync(TimeSpan.FromMilliseconds(BoundMs)));
    }

    [Theory]
    [InlineData("héllo wörld")]
    [InlineData("日本語のテキスト")]
    [InlineData("emoji 🎉 and skin tone 👍🏽")]
    [InlineData("math ∑ ≠ ∞, RTL שלום, combining e\u0301")]
    public async Task Unicode_text_round_trips_through_post_and_get(string text)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, "4" + text);

        var received = await server.Handler.NextMessageAsync();
        Assert.Equal(text, Encoding.UTF8.GetString(received.Data));
        Assert.Equal("4" + text, await server.PollBodyAsync(sid));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0{\"sid\":\"x\"}")]
    [InlineData("5")]
    [InlineData("6")]
    [InlineData("6\u001e5\u001e0")]
    public async Task Client_open_upgrade_and_noop_packets_are_ignored_on_an_open_session(string payload)
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, payload);
        await server.PostOkAsync(sid, "4after");

        Assert.False(server.Handler.IsClosed(sid));
        Assert.True(server.Handler.Socket(sid).IsOpen);
        var received = await server.Handler.NextMessageAsync();
        Assert.Equal("after", Encoding.UTF8.GetString(received.Data));
        Assert.Equal("4after", await server.PollBodyAsync(sid));
    }

    [Fact]
    public async Task Bulk_unsolicited_pongs_are_harmless()
    {
        await using var server = await EngineIOTestServer.StartAsync(NoHeartbeat);
        var sid = await server.HandshakeAsync();

        await server.PostOkAsync(sid, string.Join('\u001e', Enumerable.Repeat("3", 5000)));
        await server.PostOkAsync(sid, "3\u001e3\u001e4between\u001e3");

        Assert.True(server.Handler.Socket(sid).IsOpen);
        Assert.Equal("4between", await server.PollBodyAsync(sid));
    }
}
