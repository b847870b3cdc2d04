using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using Typed.SocketIO.Contracts;

namespace Typed.Interop.Tests.Rpc;

/// <summary>
/// Typed RPC that fails loudly and early: error acknowledgements for throwing handlers and arguments that do not bind,
/// unknown events answered with <c>unknown_event</c>, finite default ack timeouts, connections refused when a hub's
/// constructor or <c>OnConnectedAsync</c> throws (reliability bug 4), client errors logged briefly and rate-limited
/// (reliability bug 6), and hub methods awaiting their caller under a burst (reliability bug 1). Driven by the stock socket.io-client (tests/js/sio-rpc.mjs) and by the .NET client.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class RpcFailureTests
{
    private static Task<KestrelTestHost> StartAsync(string parser, RpcHubState? state = null, CapturingLoggerProvider? logs = null, Action<SocketIOOptions>? configure = null) =>
        KestrelTestHost.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton(state ?? new RpcHubState());
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                    builder.Logging.SetMinimumLevel(LogLevel.Debug);
                }

                builder.Services.AddSocketIO(o =>
                {
                    o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
                    o.EngineIO.AllowAnyOrigin = true;
                    configure?.Invoke(o);
                });
            },
            app =>
            {
                app.MapSocketIO();
                app.MapSocketHub<RpcHub>("/rpc");
                var main = app.Services.GetRequiredService<SocketIOServer>().Of("/");
                main.OnConnection(socket =>
                {
                    // Untyped: acks, then throws (only the first ack is sent); and a handler that never acks.
                    socket.On("ackThenThrow", e =>
                    {
                        e.Ack("first");
                        throw new InvalidOperationException("after the ack");
                    });
                    socket.On("throw", (Action<SocketIOEventContext>)(_ => throw new InvalidOperationException("untyped secret")));
                    socket.On("silent", (Action<SocketIOEventContext>)(_ => { }));
                });
            });

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public async Task Stock_client_gets_error_acks_at_once_naming_the_parameter_and_is_refused_when_OnConnectedAsync_throws(string parser)
    {
        var state = new RpcHubState();
        await using var host = await StartAsync(parser, state);
        var run = await NodeScript.RunAsync("sio-rpc.mjs", host.BaseUrl, parser);
        Assert.True(run.GetProperty("ok").GetBoolean(), run.ToString());
        var calls = run.GetProperty("calls").EnumerateArray().ToList();

        Assert.Equal(42, calls[0].GetProperty("result").GetInt32());
        foreach (var i in new[] { 1, 2, 3, 4, 5, 6 })
        {
            AssertError(calls[i], SocketIOErrorCodes.BindingError, "n", 0);
        }

        Assert.Equal(8, calls[7].GetProperty("result").GetInt32()); // extra arguments are ignored
        AssertError(calls[8], SocketIOErrorCodes.BindingError, "name", 0);
        Assert.Equal("(none)", calls[9].GetProperty("result").GetString());
        Assert.Equal("(none)", calls[10].GetProperty("result").GetString());

        // The handler's exception is hidden: the message names only the event.
        var failed = AssertError(calls[11], SocketIOErrorCodes.HandlerError, null, null);
        Assert.Equal("An error occurred while handling 'fail'.", failed.GetProperty("message").GetString());
        Assert.DoesNotContain("boom", calls[11].GetProperty("result").ToString(), StringComparison.Ordinal);

        Assert.Equal(2, calls[12].GetProperty("result").GetInt32());
        AssertError(calls[13], SocketIOErrorCodes.BindingError, "order", 0);
        AssertError(calls[14], SocketIOErrorCodes.UnknownEvent, null, null);

        // Every error ack arrived at once, not at the 5 s timeout (measured: a few ms each on loopback).
        Assert.All(calls, c => Assert.True(c.GetProperty("ms").GetInt32() < 1000, c.ToString()));

        // Only the calls that bound reached the hub (42, 8, two notes, fail, place).
        Assert.Equal(6, state.EventsServed);

        var denied = run.GetProperty("denied");
        Assert.False(denied.GetProperty("connected").GetBoolean(), denied.ToString());
        Assert.Equal("Internal error", denied.GetProperty("message").GetString());
        Assert.Equal(1, state.Connected); // the first socket only
    }

    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public async Task Dotnet_client_proxy_throws_SocketInvocationException_for_error_acks(string parser)
    {
        await using var host = await StartAsync(parser, configure: o => o.EnableDetailedErrors = true);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", parser);
        var socket = client.Of("/rpc");
        using var registration = socket.Register<IRpcClient>(new ThrowingReceiver());
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);
        var rpc = socket.CreateProxy<IRpcServer>();

        Assert.Equal(10, await rpc.Double(5));
        var watch = Stopwatch.StartNew();
        var thrown = await Assert.ThrowsAsync<SocketInvocationException>(() => rpc.Fail("boom"));
        watch.Stop();
        Assert.Equal("fail", thrown.EventName);
        Assert.Equal(SocketIOErrorCodes.HandlerError, thrown.Error.Code);
        Assert.Equal("boom", thrown.Error.Message); // EnableDetailedErrors
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the error ack took {watch.Elapsed}");

        // Untyped, the same: a binding error names the parameter and its position.
        var binding = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("double", ["x"]));
        Assert.Equal(new SocketIOError(SocketIOErrorCodes.BindingError, binding.Error.Message, "n", 0), binding.Error);
        Assert.Contains("Int32", binding.Error.Message, StringComparison.Ordinal); // the JsonException's detail, opted in

        // Server → client: the .NET client's handler throws; the hub's typed proxy gets SocketInvocationException.
        Assert.Equal("handler_error:An error occurred while handling 'compute'.::", await rpc.AskClient(1));

        // An event the server does not handle: answered at once instead of waiting for the timeout.
        var unknown = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("nothingHere", []));
        Assert.Equal(SocketIOErrorCodes.UnknownEvent, unknown.Error.Code);
    }

    [Fact]
    public async Task Untyped_handler_that_acked_then_threw_sends_nothing_more_and_one_that_throws_is_answered()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync("json", logs: logs);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);

        var first = await socket.EmitWithAckAsync("ackThenThrow", []).WaitAsync(ClientKit.Wait);
        Assert.Equal("first", first.GetString(0));

        var thrown = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("throw", []).WaitAsync(ClientKit.Wait));
        Assert.Equal("An error occurred while handling 'throw'.", thrown.Error.Message);

        // No ack asked: the failure is logged once, with the event name, the socket id and the stack trace.
        socket.Emit("throw");
        var handlerLogs = await logs.WaitForAsync(e => e.EventId.Id == 106, count: 3);
        Assert.Equal(3, handlerLogs.Count);
        Assert.All(handlerLogs, e => Assert.NotNull(e.Exception)); // the server's own bug: with its stack trace
        Assert.Equal(2, handlerLogs.Count(e => e.Message.Contains("in throw for socket " + socket.Id, StringComparison.Ordinal)));
        Assert.Single(handlerLogs, e => e.Message.Contains("in ackThenThrow for socket", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unknown_event_is_logged_at_Debug_counted_and_answered_with_unknown_event()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync("json", logs: logs);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/rpc");
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);

        var thrown = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("noSuchEvent", [1]).WaitAsync(ClientKit.Wait));
        Assert.Equal(SocketIOErrorCodes.UnknownEvent, thrown.Error.Code);
        var entry = Assert.Single(logs.Entries, e => e.EventId.Id == 110);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains("noSuchEvent", entry.Message, StringComparison.Ordinal);
        Assert.Contains(socket.Id!, entry.Message, StringComparison.Ordinal);
        Assert.Equal(1, host.Services.GetRequiredService<SocketIOServer>().Counters.UnknownEvents);
    }

    [Fact]
    public async Task Ten_thousand_unbindable_events_write_a_bounded_number_of_brief_log_entries()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync("json", logs: logs, configure: o => o.ClientErrorLogInterval = TimeSpan.FromHours(1));
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/rpc");
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);

        for (var i = 0; i < 10_000; i++)
        {
            socket.Emit("double", "not a number");
        }

        // Handlers run in order: once this one is answered, the 10,000 before it have been handled.
        var last = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("double", ["x"]).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal("n", last.Error.Parameter);

        var server = host.Services.GetRequiredService<SocketIOServer>();
        Assert.Equal(10_001, server.Counters.BindingErrors);
        var entries = logs.Entries.Where(e => e.Category.StartsWith("Typed", StringComparison.Ordinal) && e.Level >= LogLevel.Information).ToList();
        var entry = Assert.Single(entries);
        Assert.Equal(109, entry.EventId.Id);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Null(entry.Exception); // no stack trace
        Assert.True(entry.Message.Length < 400, entry.Message);
    }

    /// <summary>
    /// Bug 6, the operator's side: client errors log at <see cref="SocketIOOptions.ClientErrorLogLevel"/>, at most one
    /// per <see cref="SocketIOOptions.ClientErrorLogInterval"/>, and each entry counts the errors held back since the
    /// previous one, so every error is either logged or counted. Each round ends with an answered call (everything
    /// before it is handled) and a pause past the interval, so the next round's first error is logged for certain.
    /// </summary>
    [Fact]
    public async Task Client_errors_log_at_the_chosen_level_and_each_entry_counts_those_held_back()
    {
        var interval = TimeSpan.FromMilliseconds(200);
        var logs = new CapturingLoggerProvider();
        await using var host = await StartAsync("json", logs: logs, configure: o =>
        {
            o.ClientErrorLogLevel = LogLevel.Information;
            o.ClientErrorLogInterval = interval;
        });
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");
        var socket = client.Of("/rpc");
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);

        var errors = 0;
        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 100 * round; i++)
            {
                socket.Emit("double", "not a number");
                errors++;
            }

            await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("double", ["x"]).WaitAsync(TimeSpan.FromSeconds(60)));
            errors++;
            await Task.Delay(interval + TimeSpan.FromMilliseconds(100));
        }

        // One more, past the interval: logged, with the count of everything held back since the previous entry.
        await Assert.ThrowsAsync<SocketInvocationException>(() => socket.EmitWithAckAsync("double", ["x"]).WaitAsync(TimeSpan.FromSeconds(60)));
        errors++;

        Assert.Equal(errors, host.Services.GetRequiredService<SocketIOServer>().Counters.BindingErrors);
        var entries = logs.Entries.Where(e => e.EventId.Id == 109).ToList();
        Assert.True(entries.Count >= 5, $"{entries.Count} entries for 4 rounds and the last call");
        Assert.All(entries, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Typed", StringComparison.Ordinal) && e.Level >= LogLevel.Warning);
        var counted = entries.Sum(e => 1 + int.Parse(System.Text.RegularExpressions.Regex.Match(e.Message, @"\((\d+) more client errors").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(errors, counted);
    }

    /// <summary>
    /// Bug 1 as it was reported, through a typed hub: 2,000 calls of a hub method that awaits
    /// <c>Clients.Caller.Compute</c>. Every call completes and the connection stays up: the callers' answers and the
    /// pongs behind the burst are read whatever the hub methods are waiting for.
    /// </summary>
    [Theory]
    [InlineData("json")]
    [InlineData("msgpack")]
    public async Task Two_thousand_hub_calls_that_await_the_callers_answer_all_complete(string parser)
    {
        const int count = 2000;

        // Every hub method waits for one answer at the same moment: this scenario needs 2,000 outstanding.
        await using var host = await StartAsync(parser, configure: o => o.MaxPendingAcksPerSocket = 4096);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", parser);
        var socket = client.Of("/rpc", o => o.AckTimeout = TimeSpan.FromSeconds(55));
        using var registration = socket.Register<IRpcClient>(new DoublingReceiver());
        var disconnects = 0;
        socket.Disconnected += (_, _) => Interlocked.Increment(ref disconnects);
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);
        var rpc = socket.CreateProxy<IRpcServer>();

        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(rpc.AskClient)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(0, count).Select(i => $"ok:{i * 2}"), answers);
        Assert.Equal(0, Volatile.Read(ref disconnects));
    }

    [Fact]
    public async Task Default_ack_timeouts_fire_when_the_peer_never_acks()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), new SocketIOClientSocketOptions().AckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), new SocketIOOptions().DefaultAckTimeout);

        await using var host = await StartAsync("json");
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json");

        // No timeout on the call: the socket's AckTimeout applies.
        var socket = client.Of("/", o => o.AckTimeout = TimeSpan.FromMilliseconds(300));
        await socket.ConnectAsync().WaitAsync(ClientKit.Wait);
        await Assert.ThrowsAsync<SocketIOAckTimeoutException>(() => socket.EmitWithAckAsync("silent", []).WaitAsync(ClientKit.Wait));
    }

    [Fact]
    public async Task Hub_constructor_that_throws_refuses_the_dotnet_client()
    {
        var state = new RpcHubState { ThrowInConstructor = true };
        await using var host = await StartAsync("json", state, configure: o => o.EnableDetailedErrors = true);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json", o => o.Reconnection = false);
        var socket = client.Of("/rpc");
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => socket.ConnectAsync().WaitAsync(ClientKit.Wait));
        Assert.Contains("constructor says no", error.Message, StringComparison.Ordinal); // EnableDetailedErrors
        Assert.False(socket.IsConnected);
        Assert.Empty(host.Services.GetRequiredService<SocketIOServer>().Of("/rpc").Sockets);
    }

    [Fact]
    public async Task OnConnectedAsync_that_throws_refuses_the_dotnet_client_with_a_hidden_message()
    {
        var state = new RpcHubState();
        await using var host = await StartAsync("json", state);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), "websocket", "json", o => o.Reconnection = false);
        var socket = client.Of("/rpc", o => o.Auth = JsonDocument.Parse("""{"deny":true}""").RootElement);
        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => socket.ConnectAsync().WaitAsync(ClientKit.Wait));
        Assert.Contains("Internal error", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, state.Connected);
        Assert.Empty(host.Services.GetRequiredService<SocketIOServer>().Of("/rpc").Sockets);
    }

    private static JsonElement AssertError(JsonElement call, string code, string? parameter, int? position)
    {
        Assert.True(call.GetProperty("result").TryGetProperty("$error", out var error), call.ToString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(parameter, error.TryGetProperty("parameter", out var p) ? p.GetString() : null);
        Assert.Equal(position, error.TryGetProperty("position", out var n) ? n.GetInt32() : null);
        Assert.True(call.GetProperty("ms").GetInt32() < 1000, call.ToString());
        return error;
    }

    private sealed class ThrowingReceiver : IRpcClient
    {
        public Task<int> Compute(int n) => throw new InvalidOperationException("client secret");
    }

    private sealed class DoublingReceiver : IRpcClient
    {
        public Task<int> Compute(int n) => Task.FromResult(n * 2);
    }
}
