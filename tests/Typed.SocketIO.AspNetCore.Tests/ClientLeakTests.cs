using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Typed.SocketIO.AspNetCore.Tests.SocketIO;
using Typed.SocketIO.Client;

using Typed.SocketIO.AspNetCore.Tests.Infrastructure;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// What the client leaves behind: acknowledgements and retried emits with a long-lived <see cref="CancellationToken"/>
/// must not stay registered on it, and closes caused by the server's data must not leave faulted tasks nobody observes.
/// These tests force garbage collections and watch process-wide events, so they run alone.
/// </summary>
[Collection(nameof(AllocationSensitive))]
[Trait("Category", TestCategories.Protocol)]
public sealed class ClientLeakTests
{
    private const int Emits = 500;
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Timed-out acknowledgements awaited with a long-lived token: once they have failed, nothing holds their tasks
    /// (the token used to keep a linked source, its registration and the whole pending acknowledgement per emit).
    /// </summary>
    [Fact]
    public async Task Timed_out_acks_do_not_stay_registered_on_a_long_lived_token()
    {
        // A handler that never acknowledges: without one the server answers unknown events with an error ack at once.
        await using var server = await SocketIOTestServer.StartAsync(
            io => io.MainNamespace.WithEcho().OnConnection(s => s.On("unanswered", _ => { })),
            o => o.ConnectTimeout = TimeSpan.FromSeconds(10));
        await using var client = new SocketIOClient(server.BaseUri, o => o.Transports = EngineIOTransports.WebSocket);
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(s_bound);
        using var longLived = new CancellationTokenSource();

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unexpected = new ConcurrentQueue<Exception?>();
        var tasks = Start(Emits, done, unexpected, () => socket.EmitWithAckAsync("unanswered", ["x"], TimeSpan.FromMilliseconds(20), longLived.Token));
        await done.Task.WaitAsync(s_bound);

        Assert.True(unexpected.IsEmpty, "every ack should time out: " + string.Join(", ", unexpected));
        Assert.Equal(0, CountRegistrations(longLived));
        Assert.Equal(0, CountAlive(tasks));
    }

    /// <summary>
    /// Acknowledged emits with <see cref="SocketIOClientSocketOptions.Retries"/> and a long-lived token: once
    /// acknowledged, the retry queue's registration on the token is gone with them.
    /// </summary>
    [Fact]
    public async Task Acknowledged_retried_emits_do_not_stay_registered_on_a_long_lived_token()
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.WithEcho(), o => o.ConnectTimeout = TimeSpan.FromSeconds(10));
        await using var client = new SocketIOClient(server.BaseUri, o => o.Transports = EngineIOTransports.WebSocket);
        var socket = client.Of("/", o =>
        {
            o.Retries = 2;
            o.AckTimeout = TimeSpan.FromSeconds(10);
        });
        await socket.ConnectAsync().WaitAsync(s_bound);
        using var longLived = new CancellationTokenSource();

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unexpected = new ConcurrentQueue<Exception?>();
        var tasks = Start(Emits, done, unexpected, () => socket.EmitWithAckAsync("message-with-ack", ["x"], cancellationToken: longLived.Token), expectSuccess: true);
        await done.Task.WaitAsync(s_bound);

        Assert.True(unexpected.IsEmpty, "every emit should be acknowledged: " + string.Join(", ", unexpected));
        Assert.Equal(0, CountRegistrations(longLived));
        Assert.Equal(0, CountAlive(tasks));
    }

    /// <summary>
    /// Acknowledged emits with a long-lived token, with and without a timeout: whichever comes first, the answer or
    /// the start of the timer, nothing stays registered on the token.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Acknowledged_emits_do_not_stay_registered_on_a_long_lived_token(bool withTimeout)
    {
        await using var server = await SocketIOTestServer.StartAsync(io => io.MainNamespace.WithEcho(), o => o.ConnectTimeout = TimeSpan.FromSeconds(10));
        await using var client = new SocketIOClient(server.BaseUri, o => o.Transports = EngineIOTransports.WebSocket);
        var socket = client.Of("/");
        await socket.ConnectAsync().WaitAsync(s_bound);
        using var longLived = new CancellationTokenSource();
        TimeSpan? timeout = withTimeout ? TimeSpan.FromSeconds(10) : null;

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unexpected = new ConcurrentQueue<Exception?>();
        var tasks = Start(Emits, done, unexpected, () => socket.EmitWithAckAsync("message-with-ack", ["x"], timeout, longLived.Token), expectSuccess: true);
        await done.Task.WaitAsync(s_bound);

        Assert.True(unexpected.IsEmpty, "every emit should be acknowledged: " + string.Join(", ", unexpected));
        Assert.Equal(0, CountRegistrations(longLived));
        Assert.Equal(0, CountAlive(tasks));
    }

    /// <summary>
    /// Sessions closed for a parse error (the server sends an undecodable packet) and namespaces refused with
    /// CONNECT_ERROR leave no faulted task behind: no <see cref="TaskScheduler.UnobservedTaskException"/> once
    /// collected.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Parse_error_and_connect_error_closes_leave_no_unobserved_task_exception(bool webSocket)
    {
        const int Closes = 10;
        CollectEverything(); // what earlier tests left is not this test's
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            await using (var garbage = await StartGarbageServerAsync())
            await using (var client = new SocketIOClient(garbage.BaseUri, o =>
            {
                o.Transports = webSocket ? EngineIOTransports.WebSocket : EngineIOTransports.Polling;
                o.ReconnectionDelay = TimeSpan.FromMilliseconds(10);
                o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(20);
            }))
            {
                var parseErrors = 0;
                var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.Closed += reason =>
                {
                    if (reason == SocketIOClientDisconnectReason.ParseError && Interlocked.Increment(ref parseErrors) == Closes)
                    {
                        enough.TrySetResult();
                    }
                };
                var connecting = client.Of("/").ConnectAsync();
                await enough.Task.WaitAsync(s_bound);
                await client.DisposeAsync();

                // This test's own wait ends with the client's disposal; it is observed here, so it is not what the check finds.
                await Assert.ThrowsAsync<ObjectDisposedException>(() => connecting);
            }

            await using (var server = await SocketIOTestServer.StartAsync(io => io.Of("/refused").Use(_ => throw new SocketIOConnectionRejectedException("no"))))
            {
                for (var i = 0; i < Closes; i++)
                {
                    await using var client = new SocketIOClient(server.BaseUri, o => o.Transports = webSocket ? EngineIOTransports.WebSocket : EngineIOTransports.Polling);
                    var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    client.Closed += _ => closed.TrySetResult();
                    var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/refused").ConnectAsync().WaitAsync(s_bound));
                    Assert.True(error.IsRejectedByServer);
                    await closed.Task.WaitAsync(s_bound);
                }
            }

            CollectEverything();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }

        Assert.True(unobserved.IsEmpty, string.Join(Environment.NewLine, unobserved));
    }

    /// <summary>Starts <paramref name="count"/> emits and keeps only weak references to their tasks.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] Start(int count, TaskCompletionSource done, ConcurrentQueue<Exception?> unexpected, Func<Task<SocketIOArguments>> emit, bool expectSuccess = false)
    {
        var remaining = count;
        var references = new WeakReference[count];
        for (var i = 0; i < count; i++)
        {
            var task = emit();
            references[i] = new WeakReference(task);
            task.ContinueWith(
                t =>
                {
                    if (expectSuccess ? !t.IsCompletedSuccessfully : t.Exception?.InnerException is not SocketIOAckTimeoutException)
                    {
                        unexpected.Enqueue(t.Exception?.InnerException);
                    }

                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        done.TrySetResult();
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return references;
    }

    /// <summary>
    /// The callbacks still registered on <paramref name="source"/>. The runtime keeps them in a private list
    /// (<c>_registrations.Callbacks</c>, nodes chained by <c>Next</c>; disposed ones move to a free list); read by
    /// reflection, failing loudly if that layout ever changes.
    /// </summary>
    private static int CountRegistrations(CancellationTokenSource source)
    {
        const System.Reflection.BindingFlags Flags = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public;
        var registrationsField = typeof(CancellationTokenSource).GetField("_registrations", Flags)
            ?? throw new InvalidOperationException("CancellationTokenSource._registrations not found: update this test's reflection");
        var registrations = registrationsField.GetValue(source);
        if (registrations is null)
        {
            return 0;
        }

        var callbacksField = registrations.GetType().GetField("Callbacks", Flags)
            ?? throw new InvalidOperationException("Registrations.Callbacks not found: update this test's reflection");
        var node = callbacksField.GetValue(registrations);
        var count = 0;
        while (node is not null)
        {
            count++;
            var nextField = node.GetType().GetField("Next", Flags)
                ?? throw new InvalidOperationException("CallbackNode.Next not found: update this test's reflection");
            node = nextField.GetValue(node);
        }

        return count;
    }

    private static int CountAlive(WeakReference[] references)
    {
        CollectEverything();
        return references.Count(r => r.IsAlive);
    }

    private static void CollectEverything()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }

    /// <summary>A server that opens sessions and then sends a packet no Socket.IO parser can decode.</summary>
    private static Task<KestrelTestHost> StartGarbageServerAsync() => KestrelTestHost.StartAsync(
        configureBuilder: null,
        configureApp: app =>
        {
            app.UseWebSockets();
            app.Map("/socket.io", branch => branch.Run(async context =>
            {
                const string Garbage = "4Zgarbage";
                if (context.WebSockets.IsWebSocketRequest)
                {
                    using var webSocket = await context.WebSockets.AcceptWebSocketAsync();
                    try
                    {
                        await webSocket.SendAsync(Encoding.UTF8.GetBytes(HandWrittenServer.OpenPacket), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                        await webSocket.SendAsync(Encoding.UTF8.GetBytes(Garbage), WebSocketMessageType.Text, endOfMessage: true, context.RequestAborted);
                        var buffer = new byte[4096];
                        while ((await webSocket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
                        {
                        }
                    }
                    catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
                    {
                        // The client hung up.
                    }

                    return;
                }

                context.Response.ContentType = "text/plain; charset=UTF-8";
                if (!context.Request.Query.ContainsKey("sid"))
                {
                    await context.Response.WriteAsync(HandWrittenServer.OpenPacket);
                }
                else if (HttpMethods.IsPost(context.Request.Method))
                {
                    await context.Response.WriteAsync("ok");
                }
                else
                {
                    await context.Response.WriteAsync(Garbage);
                }
            }));
        });
}
