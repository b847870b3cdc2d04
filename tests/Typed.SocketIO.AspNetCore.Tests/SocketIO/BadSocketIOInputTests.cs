using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// BAD-INPUTS section C at the server level. Each hostile input goes down a connection joined to <c>/</c> and
/// <c>/custom</c>. For every input that must close, the test checks that the whole Engine.IO connection closes with
/// nothing sent back but heartbeat pings, that both namespace sockets leave with the same reason
/// (<see cref="SocketIODisconnectReason.ForcedClose"/> for undecodable packets,
/// <see cref="SocketIODisconnectReason.ForcedServerClose"/> for the "invalid state" rules of C5, as the reference's
/// <c>conn.close()</c> and <c>client.close()</c>), that no exception reached an error log, and that a fresh client
/// still connects afterwards.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class BadSocketIOInputTests
{
    private static async Task AssertConnectionClosedAsync(
        Func<RawSocketIOClient, Task> send,
        SocketIODisconnectReason expected,
        Action<SocketIOOptions>? configure = null,
        Func<string, bool>? isExpectedFrame = null)
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io =>
            {
                log.Attach(io.MainNamespace.WithEcho());
                log.Attach(io.Of("/custom").WithEcho());
                io.Of("/admin").WithEcho();
            },
            configure);
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        await send(client);

        var frames = await client.WaitForCloseAsync();
        // Before the close, only heartbeats (and whatever the test says a valid packet before the bad one earns).
        Assert.All(frames, frame => Assert.True(frame.ToString() == "text '2'" || isExpectedFrame?.Invoke(frame.ToString()) == true, frame.ToString()));
        Assert.Equal(expected, await log.DisconnectReasonAsync(main));
        Assert.Equal(expected, await log.DisconnectReasonAsync(custom));
        Assert.False(main.Connected);
        Assert.False(custom.Connected);
        Assert.Empty(server.ErrorLogs());
        await server.AssertServesFreshClientAsync();
    }

    private static Task AssertTextClosesAsync(string packet) =>
        AssertConnectionClosedAsync(client => client.SendAsync(packet), SocketIODisconnectReason.ForcedClose);

    /// <summary>C2: CONNECT whose payload is not an object.</summary>
    [Theory]
    [InlineData("40[]")]
    [InlineData("40\"x\"")]
    [InlineData("40/admin,\"invalid\"")]
    [InlineData("40/admin,true")]
    [InlineData("""40/admin,{"a":1}x""")]
    public Task C2_connect_with_a_non_object_payload_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C3: a namespace must start with '/'; "admin,{}" is then JSON for "/", and invalid.</summary>
    [Theory]
    [InlineData("40admin,{}")]
    [InlineData("40custom,")]
    public Task C3_namespace_without_leading_slash_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C5: invalid state (the reference's <c>client.close()</c>, reason "forced server close").</summary>
    [Theory]
    [InlineData("""42/admin,["message","x"]""")]
    [InlineData("""42/nowhere,["message","x"]""")]
    [InlineData("""42/admin,1["message-with-ack"]""")]
    [InlineData("41/admin,")]
    [InlineData("43/admin,0[]")]
    [InlineData("40")]
    [InlineData("""40{"token":"again"}""")]
    [InlineData("40/custom,")]
    [InlineData("""44{"message":"from the client"}""")]
    [InlineData("""44/custom,{"message":"x"}""")]
    [InlineData("44/admin,\"v2 style\"")]
    public Task C5_packet_in_an_invalid_state_closes_the_connection_with_forced_server_close(string packet) =>
        AssertConnectionClosedAsync(client => client.SendAsync(packet), SocketIODisconnectReason.ForcedServerClose);

    /// <summary>C6: EVENT data must be a non-empty array.</summary>
    [Theory]
    [InlineData("""42{"a":1}""")]
    [InlineData("42\"x\"")]
    [InlineData("42[]")]
    [InlineData("42")]
    [InlineData("42/custom,")]
    [InlineData("42null")]
    [InlineData("""42["x"]abc""")]
    [InlineData("""42["x"]""" + " []")]
    [InlineData("""42["x",""")]
    public Task C6_event_payload_that_is_not_a_whole_non_empty_array_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C7: the event name must be a string or a number (CVE-2023-32695).</summary>
    [Theory]
    [InlineData("""42[{"toString":"foo"}]""")]
    [InlineData("""42[true,"x"]""")]
    [InlineData("""42[null,"x"]""")]
    [InlineData("""42[["message"],"x"]""")]
    [InlineData("""42/custom,[{"toString":"foo"}]""")]
    public Task C7_event_name_that_is_not_a_string_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C9: reserved event names.</summary>
    [Theory]
    [InlineData("""42["connect"]""")]
    [InlineData("""42["connect_error"]""")]
    [InlineData("""42["disconnect","x"]""")]
    [InlineData("""42["disconnecting"]""")]
    [InlineData("""42["newListener"]""")]
    [InlineData("""42["removeListener"]""")]
    [InlineData("""42/custom,["disconnect","123"]""")]
    [InlineData("""421["connect"]""")]
    public Task C9_reserved_event_name_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C11: unknown packet types.</summary>
    [Theory]
    [InlineData("""47["x"]""")]
    [InlineData("49")]
    [InlineData("4x")]
    [InlineData("4")]
    public Task C11_unknown_packet_type_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C12: DISCONNECT carries no payload.</summary>
    [Theory]
    [InlineData("41/custom,{}")]
    [InlineData("41{}")]
    [InlineData("""41["x"]""")]
    public Task C12_disconnect_with_a_payload_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C13: an ACK payload must be an array.</summary>
    [Theory]
    [InlineData("431\"x\"")]
    [InlineData("""430{"a":1}""")]
    [InlineData("430")]
    public Task C13_non_array_ack_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C13: an ACK nobody waits for (unknown id, or no id at all) is dropped; the connection stays.</summary>
    [Theory]
    [InlineData("4399[]")]
    [InlineData("""43/custom,7["x"]""")]
    [InlineData("43[]")]
    [InlineData("43/custom,[1]")]
    public async Task C13_ack_nobody_waits_for_is_ignored(string packet)
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(io =>
        {
            log.Attach(io.MainNamespace.WithEcho());
            log.Attach(io.Of("/custom").WithEcho());
        });
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();
        var custom = await log.NextAsync();

        await client.SendAsync(packet);

        await client.AssertEchoesAsync("/");
        await client.AssertEchoesAsync("/custom");
        Assert.True(main.Connected);
        Assert.True(custom.Connected);
    }

    /// <summary>C14: ack ids are at most 16 digits and at most 2^53 − 1, so a JavaScript peer holds them exactly.</summary>
    [Theory]
    [InlineData(30)]
    [InlineData(400)]
    [InlineData(17)]
    public Task C14_huge_ack_id_closes_the_connection(int digits) =>
        AssertTextClosesAsync("42" + new string('1', digits) + """["message-with-ack"]""");

    [Fact]
    public Task C14_ack_id_just_above_two_to_the_53_closes_the_connection() =>
        AssertTextClosesAsync("""429007199254740992["message-with-ack"]""");

    /// <summary>C15: a negative ack id is not digits; "-1[…]" is then invalid JSON.</summary>
    [Theory]
    [InlineData("""42-1["message-with-ack"]""")]
    [InlineData("""43-1["x"]""")]
    public Task C15_negative_ack_id_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C17: malformed attachment-count headers.</summary>
    [Theory]
    [InlineData("45")]
    [InlineData("451")]
    [InlineData("""45a-["e"]""")]
    [InlineData("""451.23-["e"]""")]
    [InlineData("""45-1-["e"]""")]
    [InlineData("""45-["e"]""")]
    [InlineData("46")]
    [InlineData("""46-1[]""")]
    public Task C17_malformed_attachment_header_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C18: more than MaxAttachments (10), digits only (no "1e3").</summary>
    [Theory]
    [InlineData("""4511-["e"]""")]
    [InlineData("""451e3-["e"]""")]
    [InlineData("""4599999-["e"]""")]
    [InlineData("""4699999999999999999999-[]""")]
    public Task C18_too_many_attachments_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C19: zero attachments (GHSA-2m8v-j782-fhvr): the reassembly state must not stay armed.</summary>
    [Theory]
    [InlineData("""450-["e"]""")]
    [InlineData("""460-1[]""")]
    [InlineData("""450-/custom,["e"]""")]
    public Task C19_zero_attachments_closes_the_connection(string packet) => AssertTextClosesAsync(packet);

    /// <summary>C20: every placeholder must be {"_placeholder":true,"num":N} with 0 ≤ N &lt; count (CVE-2022-2421).</summary>
    [Theory]
    [InlineData("""451-["message",{"_placeholder":true,"num":1}]""")]
    [InlineData("""451-["message",{"_placeholder":true,"num":"splice"}]""")]
    [InlineData("""451-["message",{"_placeholder":true,"num":-1}]""")]
    [InlineData("""451-["message",{"_placeholder":true,"num":0.5}]""")]
    [InlineData("""451-["message",{"_placeholder":true}]""")]
    [InlineData("""451-["message",{"nested":{"_placeholder":true,"num":7}}]""")]
    [InlineData("""461-0[{"_placeholder":true,"num":1}]""")]
    public Task C20_bad_placeholder_closes_the_connection(string header) =>
        AssertConnectionClosedAsync(
            async client =>
            {
                await client.SendAsync(header);
                await client.SendBinaryAsync([1, 2, 3]);
            },
            SocketIODisconnectReason.ForcedClose);

    /// <summary>C22: a binary frame nobody announced.</summary>
    [Fact]
    public Task C22_binary_frame_without_a_header_closes_the_connection() =>
        AssertConnectionClosedAsync(client => client.SendBinaryAsync([1, 2, 3]), SocketIODisconnectReason.ForcedClose);

    /// <summary>C22: a binary frame after a binary packet was complete.</summary>
    [Fact]
    public Task C22_binary_frame_beyond_the_announced_count_closes_the_connection() =>
        AssertConnectionClosedAsync(
            async client =>
            {
                await client.SendAsync("""451-["message",{"_placeholder":true,"num":0}]""");
                await client.SendBinaryAsync([1]);
                await client.SendBinaryAsync([2]);
            },
            SocketIODisconnectReason.ForcedClose,
            // The first packet is complete and valid: its echo may go out before the extra frame closes the connection.
            isExpectedFrame: frame => frame is """text '451-["message-back",{"_placeholder":true,"num":0}]'""" or "binary 01");

    /// <summary>C22: a text packet while attachments are still expected.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public Task C22_text_frame_during_reassembly_closes_the_connection(int attachmentsSent) =>
        AssertConnectionClosedAsync(
            async client =>
            {
                await client.SendAsync("""452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]""");
                for (var i = 0; i < attachmentsSent; i++)
                {
                    await client.SendBinaryAsync([1]);
                }

                await client.SendAsync("""42["message","x"]""");
            },
            SocketIODisconnectReason.ForcedClose);

    /// <summary>C23: 100,000 levels of nesting. .NET would die of a stack overflow in a recursive walk; the depth cap closes.</summary>
    [Fact]
    public Task C23_deeply_nested_event_closes_the_connection_and_the_server_survives() =>
        AssertTextClosesAsync("42[\"message\"," + new string('[', 100_000) + new string(']', 100_000) + "]");

    [Fact]
    public Task C23_deeply_nested_connect_auth_closes_the_connection() =>
        AssertTextClosesAsync("40/admin,{\"a\":" + new string('[', 100_000) + new string(']', 100_000) + "}");

    [Fact]
    public Task C23_placeholder_at_depth_10000_closes_the_connection() =>
        AssertTextClosesAsync("451-[\"message\"," + new string('[', 10_000) + """{"_placeholder":true,"num":0}""" + new string(']', 10_000) + "]");

    [Fact]
    public Task C23_nesting_just_over_max_depth_closes_the_connection() =>
        AssertConnectionClosedAsync(
            client => client.SendAsync("42[\"message\"," + new string('[', 10) + new string(']', 10) + "]"),
            SocketIODisconnectReason.ForcedClose,
            o => o.MaxDepth = 8);

    [Fact]
    public async Task C23_nesting_within_max_depth_is_accepted()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.WithEcho());
        await using var client = await server.ConnectToAsync("/");
        var nested = new string('[', 60) + new string(']', 60);

        await client.SendAsync($"42[\"message\",{nested}]");

        Assert.Equal($"42[\"message-back\",{nested}]", await client.ReceiveAsync());
    }

    /// <summary>F7: attachments of one packet count against the byte cap (maxHttpBufferSize) while reassembled.</summary>
    [Fact]
    public Task F7_attachments_over_the_byte_cap_close_the_connection() =>
        AssertConnectionClosedAsync(
            async client =>
            {
                await client.SendAsync("""452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]""");
                await client.SendBinaryAsync(new byte[600]);
                await client.SendBinaryAsync(new byte[600]);
            },
            SocketIODisconnectReason.ForcedClose,
            o => o.EngineIO.MaxHttpBufferSize = 1000);

    /// <summary>C21: more buffers announced than placeholders use are accepted (as the reference); the event is delivered.</summary>
    [Fact]
    public async Task C21_unreferenced_attachments_are_accepted()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("bin", e => e.Socket.Emit("bin-back", e.Arguments))));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""452-["bin",{"_placeholder":true,"num":1}]""");
        await client.SendBinaryAsync([0xA]);
        await client.SendBinaryAsync([0xB]);

        Assert.Equal("""451-["bin-back",{"_placeholder":true,"num":0}]""", await client.ReceiveAsync());
        Assert.Equal([0xB], await client.ReceiveBinaryAsync());
    }

    /// <summary>C4: a namespace longer than MaxNamespaceLength (256) is a parse error, not a lookup.</summary>
    [Fact]
    public Task C4_namespace_over_the_length_cap_closes_the_connection() =>
        AssertTextClosesAsync("40/" + new string('n', 300) + ",");

    /// <summary>The decoder's state is per connection: a half-received binary packet on one does not affect another.</summary>
    [Fact]
    public async Task Reassembly_state_is_per_connection()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("bin", e => e.Socket.Emit("bin-back", e.Arguments))));
        await using var first = await server.ConnectToAsync("/");
        await using var second = await server.ConnectToAsync("/");

        await first.SendAsync("""452-["bin",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]""");
        await first.SendBinaryAsync([1]);
        await second.SendAsync("""451-["bin",{"_placeholder":true,"num":0}]""");
        await second.SendBinaryAsync([2]);
        await first.SendBinaryAsync([3]);

        Assert.Equal("""451-["bin-back",{"_placeholder":true,"num":0}]""", await second.ReceiveAsync());
        Assert.Equal([2], await second.ReceiveBinaryAsync());
        Assert.Equal("""452-["bin-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]""", await first.ReceiveAsync());
        Assert.Equal([1], await first.ReceiveBinaryAsync());
        Assert.Equal([3], await first.ReceiveBinaryAsync());
    }
}
