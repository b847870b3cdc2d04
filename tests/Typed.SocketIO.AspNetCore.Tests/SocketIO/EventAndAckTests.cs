using System.Collections.Concurrent;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests.SocketIO;

/// <summary>
/// Events and acknowledgements in both directions (SPEC-NOTES B2, B4 7–8, C3 server-side equivalents; BAD-INPUTS F2,
/// C8, C10, C13): exact wire strings, ack ids, timeouts, disconnects, ordering and no deadlock.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class EventAndAckTests
{
    private static Task<SocketIOTestServer> StartAsync(Action<SocketIOServer>? configureServer = null, Action<SocketIOOptions>? configure = null) =>
        SocketIOTestServer.StartAsync(
            io =>
            {
                io.MainNamespace.WithEcho();
                io.Of("/custom").WithEcho();
                configureServer?.Invoke(io);
            },
            configure);

    [Fact]
    public async Task Event_arguments_are_reemitted_byte_exact()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42["message",1,"2",{"3":[true]}]""");

        Assert.Equal("""42["message-back",1,"2",{"3":[true]}]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Reemitted_json_keeps_number_text_property_order_and_unescaped_characters()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectToAsync("/custom");

        await client.SendAsync("""42/custom,["message",1.50,-0,1e3,{"b":1,"a":[null,false]},"<é&\u001e>",""]""");

        Assert.Equal("""42/custom,["message-back",1.50,-0,1e3,{"b":1,"a":[null,false]},"<é&\u001e>",""]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Server_emits_strings_without_html_escaping_as_json_stringify_does()
    {
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.Emit("text", "<b>é & ü</b>", 1, 2.5, true, null, long.MaxValue)));
        await using var client = await server.ConnectAsync();

        await client.JoinAsync("/");

        Assert.Equal("""42["text","<b>é & ü</b>",1,2.5,true,null,9223372036854775807]""", await client.ReceiveAsync());
    }

    [Theory]
    [InlineData("/", """421["message-with-ack",1]""", "431[1]")]
    [InlineData("/", """420["message-with-ack","zero"]""", """430["zero"]""")]
    [InlineData("/", """4212["message-with-ack",{"a":[1]},"b"]""", """4312[{"a":[1]},"b"]""")]
    [InlineData("/", """429007199254740991["message-with-ack"]""", "439007199254740991[]")]
    [InlineData("/custom", """42/custom,13["message-with-ack","bar"]""", """43/custom,13["bar"]""")]
    public async Task Client_ack_request_is_answered_with_the_same_id(string ns, string packet, string expected)
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectToAsync(ns);

        await client.SendAsync(packet);

        Assert.Equal(expected, await client.ReceiveAsync());
    }

    [Fact]
    public async Task Ack_is_sent_only_once_and_not_at_all_without_an_ack_id()
    {
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket => socket.On("twice", e =>
        {
            e.Ack("first");
            e.Ack("second");
            e.Socket.Emit("done", e.HasAck);
        })));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""427["twice"]""");
        Assert.Equal("""437["first"]""", await client.ReceiveAsync());
        Assert.Equal("""42["done",true]""", await client.ReceiveAsync());

        await client.SendAsync("""42["twice"]""");
        Assert.Equal("""42["done",false]""", await client.ReceiveAsync());
    }

    [Theory]
    [InlineData("4399[]")]
    [InlineData("""430["nobody asked"]""")]
    [InlineData("""43/custom,5[1]""")]
    public async Task Client_ack_with_an_unknown_id_is_ignored_and_the_connection_stays(string ack)
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io =>
        {
            log.Attach(io.MainNamespace);
            log.Attach(io.Of("/custom"));
        });
        await using var client = await server.ConnectToAsync("/");
        await client.JoinAsync("/custom");
        var main = await log.NextAsync();

        await client.SendAsync(ack);

        await client.AssertEchoesAsync("/");
        await client.AssertEchoesAsync("/custom");
        Assert.True(main.Connected);
    }

    [Fact]
    public async Task Numeric_event_name_is_dispatched_by_its_digits()
    {
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("42", e => e.Socket.Emit("numeric", e.EventName, e.Arguments))));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42[42,"x"]""");

        Assert.Equal("""42["numeric","42","x"]""", await client.ReceiveAsync());
    }

    /// <summary>C10: "error" is an ordinary user event, never the framework's error channel.</summary>
    [Fact]
    public async Task Error_event_is_delivered_to_an_error_handler_as_an_ordinary_event()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io =>
        {
            log.Attach(io.MainNamespace);
            io.MainNamespace.OnConnection(socket => socket.On("error", e => e.Socket.Emit("got-error", e.Arguments)));
        });
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        await client.SendAsync("""42["error","x"]""");

        Assert.Equal("""42["got-error","x"]""", await client.ReceiveAsync());
        await client.AssertEchoesAsync();
        Assert.True(socket.Connected);
        Assert.Empty(server.ErrorLogs());
    }

    [Fact]
    public async Task Event_without_a_handler_is_dropped_and_the_connection_stays()
    {
        await using var server = await StartAsync();
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42["nobody-listens",1]""");
        await client.SendAsync("""423["nobody-listens",1]""");

        // Typed's choice (socket.io leaves the caller waiting): a caller that asked for an ack is told at once.
        Assert.Equal("""433[{"$error":{"code":"unknown_event","message":"No handler for 'nobody-listens'."}}]""", await client.ReceiveAsync());
        await client.AssertEchoesAsync();
    }

    [Fact]
    public async Task Handler_exception_is_logged_and_the_next_event_is_still_handled()
    {
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket =>
            socket.On("boom", _ => throw new InvalidOperationException("handler bug"))));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""42["boom"]""");

        await client.AssertEchoesAsync();
        Assert.Contains(server.ErrorLogs(), line => line.Contains("boom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Server_emit_with_ack_uses_per_namespace_ids_from_zero_and_completes_with_the_answer()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io =>
        {
            log.Attach(io.MainNamespace);
            log.Attach(io.Of("/custom"));
        });
        await using var first = await server.ConnectToAsync("/");
        var firstSocket = await log.NextAsync();
        await using var second = await server.ConnectToAsync("/");
        var secondSocket = await log.NextAsync();
        await second.JoinAsync("/custom");
        var customSocket = await log.NextAsync();

        var answer0 = firstSocket.EmitWithAckAsync("question", TimeSpan.FromSeconds(10), 42);
        Assert.Equal("""420["question",42]""", await first.ReceiveAsync());

        // The counter belongs to the namespace, not the socket: the next socket of "/" gets 1; "/custom" starts at 0.
        var answer1 = secondSocket.EmitWithAckAsync("question", TimeSpan.FromSeconds(10), 43);
        Assert.Equal("""421["question",43]""", await second.ReceiveAsync());
        var answerCustom = customSocket.EmitWithAckAsync("question", TimeSpan.FromSeconds(10));
        Assert.Equal("""42/custom,0["question"]""", await second.ReceiveAsync());

        await first.SendAsync("""430["a"]""");
        await second.SendAsync("""431["b",2]""");
        await second.SendAsync("""43/custom,0[]""");

        var reply0 = await answer0.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, reply0.Count);
        Assert.Equal("a", reply0.GetString(0));
        var reply1 = await answer1.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(2, reply1.Count);
        Assert.Equal("b", reply1.GetString(0));
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(reply1.GetRawJson(1).Span));
        Assert.Equal(0, (await answerCustom.WaitAsync(TimeSpan.FromSeconds(5))).Count);
    }

    [Fact]
    public async Task Server_emit_with_ack_times_out_with_operation_has_timed_out_and_a_late_ack_is_ignored()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io => log.Attach(io.MainNamespace));
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        var answer = socket.EmitWithAckAsync("question", TimeSpan.FromMilliseconds(300), 42);
        Assert.Equal("""420["question",42]""", await client.ReceiveAsync());

        var timeout = await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => answer.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("operation has timed out", timeout.Message);

        await client.SendAsync("""430["too late"]""");
        await client.AssertEchoesAsync();
        Assert.True(socket.Connected);
    }

    [Fact]
    public async Task Server_emit_with_ack_is_cancelled_by_its_token()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io => log.Attach(io.MainNamespace));
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();
        using var cancel = new CancellationTokenSource();

        var answer = socket.EmitWithAckAsync("question", [1], TimeSpan.FromSeconds(30), cancel.Token);
        Assert.Equal("""420["question",1]""", await client.ReceiveAsync());
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>F2: pending acks fail when the socket leaves, whether the client leaves the namespace or the connection drops.</summary>
    [Theory]
    [InlineData("namespace disconnect")]
    [InlineData("transport close")]
    [InlineData("server disconnect")]
    public async Task Server_emit_with_ack_fails_with_disconnected_when_the_socket_leaves(string how)
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io => log.Attach(io.MainNamespace));
        var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        var answer = socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(30), 42);
        Assert.Equal("""420["question",42]""", await client.ReceiveAsync());
        switch (how)
        {
            case "namespace disconnect":
                await client.SendAsync("41");
                break;
            case "transport close":
                await client.DisposeAsync();
                break;
            default:
                socket.Disconnect();
                break;
        }

        var failure = await Assert.ThrowsAsync<SocketIODisconnectedException>(() => answer.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("socket has been disconnected", failure.Message);
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => socket.EmitWithAckAsync("again", TimeSpan.FromSeconds(5)));
        await client.DisposeAsync();
    }

    /// <summary>F2: outstanding acknowledgements per socket are capped; answering one frees a slot.</summary>
    [Fact]
    public async Task Max_pending_acks_per_socket_caps_outstanding_acks()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io => log.Attach(io.MainNamespace), o => o.MaxPendingAcksPerSocket = 2);
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        var a = socket.EmitWithAckAsync("q", TimeSpan.FromSeconds(30), "a");
        var b = socket.EmitWithAckAsync("q", TimeSpan.FromSeconds(30), "b");
        var c = socket.EmitWithAckAsync("q", TimeSpan.FromSeconds(30), "c");

        Assert.True(c.IsFaulted);
        Assert.IsType<InvalidOperationException>(c.Exception!.InnerException);
        Assert.Equal("""420["q","a"]""", await client.ReceiveAsync());
        Assert.Equal("""421["q","b"]""", await client.ReceiveAsync());

        // Answering one frees a slot. (The refused emit was never sent: the next frame is the new emit.)
        await client.SendAsync("""430["A"]""");
        Assert.Equal("A", (await a.WaitAsync(TimeSpan.FromSeconds(5))).GetString(0));
        var d = socket.EmitWithAckAsync("q", TimeSpan.FromSeconds(30), "d");
        Assert.Matches("""^42\d+\["q","d"\]$""", await client.ReceiveAsync());
        Assert.False(d.IsFaulted);
        Assert.False(b.IsCompleted);
    }

    /// <summary>A handler that awaits the client's ack must not block the read of that ack.</summary>
    [Fact]
    public async Task Handler_awaiting_emit_with_ack_does_not_deadlock()
    {
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket => socket.On("request-question", async e =>
        {
            var reply = await e.Socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(10), 42);
            e.Socket.Emit("question-answered", reply.GetString(0));
            e.Ack("done");
        })));
        await using var client = await server.ConnectToAsync("/");

        await client.SendAsync("""425["request-question"]""");
        Assert.Equal("""420["question",42]""", await client.ReceiveAsync());
        await client.SendAsync("""430["forty-two"]""");

        Assert.Equal("""42["question-answered","forty-two"]""", await client.ReceiveAsync());
        Assert.Equal("""435["done"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task With_one_handler_slot_handlers_of_one_socket_run_one_at_a_time_in_arrival_order_even_when_async()
    {
        var order = new ConcurrentQueue<int>();
        var running = 0;
        var overlapped = false;

        // One at a time is MaxParallelHandlersPerSocket = 1 (the default runs them concurrently, as Node: EventQueueTests).
        await using var server = await StartAsync(io => io.MainNamespace.OnConnection(socket => socket.On("step", async e =>
        {
            if (Interlocked.Increment(ref running) != 1)
            {
                overlapped = true;
            }

            var n = int.Parse(System.Text.Encoding.UTF8.GetString(e.Arguments.GetRawJson(0).Span), System.Globalization.CultureInfo.InvariantCulture);

            // The earliest events wait longest: any concurrency would reorder them.
            await Task.Delay((10 - n) * 15);
            order.Enqueue(n);
            Interlocked.Decrement(ref running);
            e.Socket.Emit("stepped", n);
        })), o => o.MaxParallelHandlersPerSocket = 1);
        await using var client = await server.ConnectToAsync("/");

        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync($"42[\"step\",{i}]");
        }

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"42[\"stepped\",{i}]", await client.ReceiveAsync());
        }

        Assert.Equal(Enumerable.Range(0, 10), order);
        Assert.False(overlapped);
    }

    [Fact]
    public async Task Acks_from_the_client_are_processed_while_a_handler_of_the_socket_is_still_running()
    {
        var log = new SocketLog();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(io =>
        {
            log.Attach(io.MainNamespace);
            io.MainNamespace.OnConnection(socket => socket.On("slow", async _ => await release.Task.WaitAsync(TimeSpan.FromSeconds(10))));
        });
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        await client.SendAsync("""42["slow"]""");
        var answer = socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(10), 1);
        Assert.Equal("""420["question",1]""", await client.ReceiveAsync());
        await client.SendAsync("""430["ok"]""");

        Assert.Equal("ok", (await answer.WaitAsync(TimeSpan.FromSeconds(5))).GetString(0));
        release.SetResult();
        await client.AssertEchoesAsync();
    }

    [Fact]
    public async Task Emitting_a_reserved_event_name_throws()
    {
        var log = new SocketLog();
        await using var server = await StartAsync(io => log.Attach(io.MainNamespace));
        await using var client = await server.ConnectToAsync("/");
        var socket = await log.NextAsync();

        foreach (var name in new[] { "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener" })
        {
            Assert.Throws<ArgumentException>(() => socket.Emit(name));
            Assert.Throws<ArgumentException>(() => server.IO.Emit(name));
        }

        await client.AssertEchoesAsync();
    }
}
