using System.Text.Json;
using System.Threading.Channels;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// socket.io-client's <c>receiveBuffer</c> on the .NET client, against Node's socket.io (sio-client-api-server.mjs):
/// the <c>/early</c> middleware emits two events before the CONNECT reply, tells the session's <c>/</c> socket
/// (<c>early-sent</c>, on the same connection after them) and holds the socket until <c>/</c> sends <c>release</c>.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientReceiveBufferTests
{
    [Theory]
    [InlineData("polling")]
    [InlineData("websocket")]
    public async Task Events_received_before_the_CONNECT_reply_wait_in_the_receive_buffer_and_reach_the_handlers_on_connect(string mode)
    {
        await using var server = await NodeServer.StartAsync("sio-client-api-server.mjs", TolerantHeartbeat.NodeArguments);
        await using var client = Create(new Uri(server.BaseUrl), mode, "json");
        var (main, earlySent) = await ConnectMainAsync(client, mode);
        var early = client.Of("/early");
        var seen = Channel.CreateUnbounded<string>();
        early.On("early", e =>
        {
            seen.Writer.TryWrite("early:" + e.Arguments.GetJsonElement(0).GetInt32());
            if (e.HasAck)
            {
                e.Ack("got " + e.Arguments.GetJsonElement(0).GetInt32());
            }
        });
        early.On("hello", _ => seen.Writer.TryWrite("hello"));
        early.Connected += _ => seen.Writer.TryWrite("connect");
        var connecting = early.ConnectAsync();

        // early-sent came after the two events on the same connection: they have been received, and are held.
        await earlySent.Task.WaitAsync(Wait);
        Assert.Equal(2, early.ReceiveBufferCount);
        Assert.False(early.IsConnected);
        Assert.False(seen.Reader.TryRead(out var tooSoon), $"a handler ran before the connection: {tooSoon}");

        main.Emit("release");
        await connecting.WaitAsync(Wait);
        Assert.Equal(["early:1", "early:2", "connect", "hello"], await ReadAsync(seen, 4));
        Assert.Equal(0, early.ReceiveBufferCount);

        // The buffered event's acknowledgement reached the server once connected.
        var acked = await WaitForEventAsync(server, "early-acked");
        Assert.Equal("got 2", acked.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task ClearReceiveBuffer_discards_the_events_received_before_the_CONNECT_reply()
    {
        await using var server = await NodeServer.StartAsync("sio-client-api-server.mjs", TolerantHeartbeat.NodeArguments);
        await using var client = Create(new Uri(server.BaseUrl), "websocket", "json");
        var (main, earlySent) = await ConnectMainAsync(client, "websocket");
        var early = client.Of("/early");
        var seen = Channel.CreateUnbounded<string>();
        early.On("early", e => seen.Writer.TryWrite("early:" + e.Arguments.GetJsonElement(0).GetInt32()));
        early.On("hello", _ => seen.Writer.TryWrite("hello"));
        var connecting = early.ConnectAsync();
        await earlySent.Task.WaitAsync(Wait);

        Assert.Equal(2, early.ClearReceiveBuffer());
        Assert.Equal(0, early.ReceiveBufferCount);
        main.Emit("release");
        await connecting.WaitAsync(Wait);

        // hello is the server's first event after the CONNECT: nothing of the cleared buffer came before it.
        Assert.Equal(["hello"], await ReadAsync(seen, 1));
        Assert.False(seen.Reader.TryRead(out var extra), $"unexpected: {extra}");
    }

    private static async Task<(SocketIOClientSocket Main, TaskCompletionSource EarlySent)> ConnectMainAsync(SocketIOClient client, string mode)
    {
        var main = client.Of("/");
        var earlySent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        main.On("early-sent", _ => earlySent.TrySetResult());
        await ConnectAsync(main, mode);
        return (main, earlySent);
    }

    private static async Task<List<string>> ReadAsync(Channel<string> channel, int count)
    {
        var items = new List<string>();
        while (items.Count < count)
        {
            items.Add(await channel.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        }

        return items;
    }

    /// <summary>The server's log line is read from its stderr asynchronously: waits (bounded) until it is in.</summary>
    internal static async Task<JsonElement> WaitForEventAsync(NodeServer server, string type)
    {
        using var deadline = new CancellationTokenSource(Wait);
        while (true)
        {
            foreach (var line in server.Events)
            {
                var element = JsonDocument.Parse(line).RootElement;
                if (element.GetProperty("type").GetString() == type)
                {
                    return element.Clone();
                }
            }

            await Task.Delay(20, deadline.Token);
        }
    }
}
