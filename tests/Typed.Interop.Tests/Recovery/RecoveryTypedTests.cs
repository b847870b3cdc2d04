using Microsoft.Extensions.DependencyInjection;
using Typed.Interop.Tests.Typed;
using Typed.SocketIO;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// Recovery through the typed layer: a typed hub's broadcasts (<c>Clients.Room(…).Except(…)</c>) are replayed to a
/// typed .NET client after a cut, its generated binder ignoring the trailing offset, and the hub's
/// <c>OnConnectedAsync</c> sees <c>Socket.Recovered</c>.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class RecoveryTypedTests
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Typed_broadcasts_are_replayed_and_the_hub_knows_the_socket_recovered(string mode)
    {
        await using var host = await TypedHubHost.StartAsync("json", o =>
        {
            // A short heartbeat, so the server sees a long-polling drop soon (docs/recovery.md, Limits).
            ConformanceServer.ConformanceSettings.Apply(o.EngineIO);
            o.ConnectionStateRecovery = new SocketIOConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromSeconds(30) };
        });
        var server = host.Services.GetRequiredService<SocketIOServer>();
        var log = host.Services.GetRequiredService<HubLog>();
        await using var proxy = TcpCutProxy.Start(host.BaseUrl);
        await using var receiverClient = Create(new Uri(proxy.BaseUrl), mode, "json");
        var socket = receiverClient.Of("/chat");
        var receiver = new Receiver();
        using var registration = socket.Register<IChatClient>(receiver);
        var connects = 0;
        socket.Connected += _ => Interlocked.Increment(ref connects);
        await socket.ConnectAsync().WaitAsync(Wait);
        var firstId = socket.Id;
        await socket.CreateProxy<IChatServer>().Join("r1");

        await using var senderClient = Create(new Uri(host.BaseUrl), "websocket", "json");
        var sender = senderClient.Of("/chat");
        await sender.ConnectAsync().WaitAsync(Wait);
        var chat = sender.CreateProxy<IChatServer>();
        for (var n = 1; n <= 5; n++)
        {
            await chat.SendMessage("r1", $"{n}");
        }

        await receiver.WaitForAsync(5);
        proxy.Blocked = true;
        proxy.CutAll();
        await RecoveryTests.WaitForSessionsAsync(server, 1, "/chat");
        for (var n = 6; n <= 10; n++)
        {
            await chat.SendMessage("r1", $"{n}"); // missed
        }

        proxy.Blocked = false;
        await receiver.WaitForAsync(10);
        for (var n = 11; n <= 15; n++)
        {
            await chat.SendMessage("r1", $"{n}");
        }

        await receiver.WaitForAsync(15);
        Assert.True(socket.Recovered);
        Assert.Equal(firstId, socket.Id);
        Assert.Equal(2, Volatile.Read(ref connects));
        Assert.Equal(Enumerable.Range(1, 15).Select(n => $"{n}"), receiver.Texts);
        Assert.Contains("connected recovered", log.Entries);
    }

    private sealed class Receiver : IChatClient
    {
        private readonly object _gate = new();
        private readonly List<string> _texts = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string[] Texts
        {
            get
            {
                lock (_gate)
                {
                    return [.. _texts];
                }
            }
        }

        public Task MessageReceived(ChatMessage message)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _texts.Add(message.Text);
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
            return Task.CompletedTask;
        }

        public Task<bool> Confirm(string question) => Task.FromResult(true);

        public Task FileReceived(string name, ReadOnlyMemory<byte> data) => Task.CompletedTask;

        public async Task WaitForAsync(int count)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_texts.Count >= count)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                await changed.WaitAsync(cancel.Token);
            }
        }
    }
}
