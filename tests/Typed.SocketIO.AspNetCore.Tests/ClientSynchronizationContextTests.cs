using System.Collections.Concurrent;
using Typed.SocketIO.AspNetCore.Tests.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The .NET client used from a UI thread: a single-threaded SynchronizationContext whose thread blocks on the
/// client's tasks (<c>.GetAwaiter().GetResult()</c>, as UI code does with <c>.Result</c>). If any await in the client
/// resumed on the caller's context, or a network loop were started on it, the continuation would be queued to the
/// blocked thread and the step would never complete.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ClientSynchronizationContextTests
{
    /// <summary>Each step gets this long; a deadlock never completes, a working step takes milliseconds.</summary>
    private static readonly TimeSpan s_stepBound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    [InlineData("upgrade")]
    public async Task Client_blocked_on_by_a_single_threaded_context_never_deadlocks(string mode)
    {
        var log = new SocketLog();
        await using var server = await SocketIOTestServer.StartAsync(
            io =>
            {
                log.Attach(io.MainNamespace.WithEcho());
                io.MainNamespace.OnConnection(socket => socket.On("ask-news", e => e.Socket.Emit("news", "hot")));
            },
            o =>
            {
                // Long heartbeats: the test is about blocking, not about a loaded machine missing a 200 ms pong.
                o.EngineIO.PingInterval = TimeSpan.FromSeconds(10);
                o.EngineIO.PingTimeout = TimeSpan.FromSeconds(10);
                o.ConnectTimeout = TimeSpan.FromSeconds(10);
            });
        using var ui = new SingleThreadSynchronizationContext();

        // Created, subscribed and driven on the UI thread, as an application would.
        var (client, socket, news, echoes, disconnected) = await StepAsync(ui, "create", () =>
        {
            var client = new SocketIOClient(server.BaseUri, o =>
            {
                o.Transports = mode switch
                {
                    "polling" => EngineIOTransports.Polling,
                    "websocket" => EngineIOTransports.WebSocket,
                    _ => EngineIOTransports.Polling | EngineIOTransports.WebSocket,
                };
                o.ReconnectionDelay = TimeSpan.FromMilliseconds(50);
                o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(200);
            });
            var socket = client.Of("/");
            var news = new TaskCompletionSource<(string?, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var echoes = new BlockingCollection<string?>();
            var disconnected = new TaskCompletionSource<SocketIOClientDisconnectReason>(TaskCreationOptions.RunContinuationsAsynchronously);
            socket.On("news", e => news.TrySetResult((e.Arguments.GetString(0), ui.IsOnThread)));
            socket.On("message-back", e => echoes.Add(e.Arguments.GetString(0)));
            socket.Disconnected += (_, reason) => disconnected.TrySetResult(reason);
            return (client, socket, news, echoes, disconnected);
        });

        await StepAsync(ui, "connect", () => socket.ConnectAsync().GetAwaiter().GetResult());
        var first = await log.NextAsync();

        // A plain emit, proven by the echo the server sends back to a handler while the UI thread waits for it.
        var echo = await StepAsync(ui, "emit", () =>
        {
            socket.Emit("message", "one");
            return echoes.TryTake(out var text, s_stepBound) ? text : "no echo";
        });
        Assert.Equal("one", echo);

        var ack = await StepAsync(ui, "emit with ack", () => socket.EmitWithAckAsync("message-with-ack", ["two"]).GetAwaiter().GetResult());
        Assert.Equal("two", ack.GetString(0));

        // The server's event reaches its handler while the UI thread is blocked: handlers do not run on the caller's context.
        var (headline, handlerOnUiThread) = await StepAsync(ui, "server event", () =>
        {
            socket.Emit("ask-news");
            return news.Task.GetAwaiter().GetResult();
        });
        Assert.Equal("hot", headline);
        Assert.False(handlerOnUiThread);

        // The server drops the transport; the UI thread blocks until the socket is back (the reconnection loop must
        // not need the UI thread), then until an acknowledgement comes over the new connection.
        if (mode == "upgrade")
        {
            await WaitForWebSocketAsync(client);
        }

        first.Connection.Close();
        var (reason, again) = await StepAsync(ui, "reconnect", () =>
        {
            var reason = disconnected.Task.GetAwaiter().GetResult();
            socket.ConnectAsync().GetAwaiter().GetResult();
            return (reason, socket.EmitWithAckAsync("message-with-ack", ["three"]).GetAwaiter().GetResult());
        });
        Assert.Equal(SocketIOClientDisconnectReason.TransportClose, reason);
        Assert.Equal("three", again.GetString(0));
        Assert.NotSame(first, await log.NextAsync());

        await StepAsync(ui, "dispose", () => client.DisposeAsync().AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Runs <paramref name="work"/> on the UI thread and fails the test if it does not finish within the bound.</summary>
    private static async Task<T> StepAsync<T>(SingleThreadSynchronizationContext ui, string step, Func<T> work)
    {
        var running = ui.Run(work);
        var finished = await Task.WhenAny(running, Task.Delay(s_stepBound));
        Assert.True(finished == running, $"'{step}' did not complete within {s_stepBound.TotalSeconds} s on the blocked UI thread: a deadlock.");
        return await running;
    }

    private static Task StepAsync(SingleThreadSynchronizationContext ui, string step, Action work) =>
        StepAsync(ui, step, () =>
        {
            work();
            return true;
        });

    /// <summary>In upgrade mode the drop is done on the WebSocket, so the reconnection is tested from the upgraded transport.</summary>
    private static async Task WaitForWebSocketAsync(SocketIOClient client)
    {
        var deadline = DateTime.UtcNow + s_stepBound;
        while (client.Transport != EngineIOTransports.WebSocket && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(EngineIOTransports.WebSocket, client.Transport);
    }

    /// <summary>
    /// A UI thread in miniature: one dedicated thread pumps posted callbacks in order, with itself as the current
    /// SynchronizationContext, as the WPF dispatcher or WinForms message loop does.
    /// </summary>
    private sealed class SingleThreadSynchronizationContext : SynchronizationContext, IDisposable
    {
        private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
        private readonly Thread _thread;

        public SingleThreadSynchronizationContext()
        {
            // Background: a test that found a deadlock must not keep the test process alive with this thread stuck.
            _thread = new Thread(Pump) { IsBackground = true, Name = "test UI thread" };
            _thread.Start();
        }

        public bool IsOnThread => Thread.CurrentThread == _thread;

        public override void Post(SendOrPostCallback d, object? state)
        {
            // After the test, late continuations of a blocked-and-abandoned step are dropped.
            if (!_queue.IsAddingCompleted)
            {
                try
                {
                    _queue.Add((d, state));
                }
                catch (InvalidOperationException)
                {
                    // Completed between the check and the add.
                }
            }
        }

        public override void Send(SendOrPostCallback d, object? state)
        {
            if (IsOnThread)
            {
                d(state);
                return;
            }

            using var done = new ManualResetEventSlim();
            Post(_ => { d(state); done.Set(); }, null);
            done.Wait();
        }

        public override SynchronizationContext CreateCopy() => this;

        /// <summary>Runs <paramref name="work"/> on the thread; the task completes (off the thread) with its outcome.</summary>
        public Task<T> Run<T>(Func<T> work)
        {
            var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            Post(_ =>
            {
                try
                {
                    outcome.SetResult(work());
                }
                catch (Exception ex)
                {
                    outcome.SetException(ex);
                }
            }, null);
            return outcome.Task;
        }

        public void Dispose() => _queue.CompleteAdding();

        private void Pump()
        {
            SetSynchronizationContext(this);
            foreach (var (callback, state) in _queue.GetConsumingEnumerable())
            {
                callback(state);
            }
        }
    }
}
