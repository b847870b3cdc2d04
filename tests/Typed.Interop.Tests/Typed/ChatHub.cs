using Typed.SocketIO;

namespace Typed.Interop.Tests.Typed;

/// <summary>Records what the typed hub saw, for the tests to assert on (a DI singleton).</summary>
public sealed class HubLog
{
    public System.Collections.Concurrent.ConcurrentQueue<string> Entries { get; } = new();
}

/// <summary>The typed hub the stock JS client drives (tests/js/sio-typed.mjs).</summary>
public sealed class ChatHub(HubLog log) : SocketHub<IChatClient>, IChatServer
{
    public override Task OnConnectedAsync()
    {
        log.Entries.Enqueue(Socket.Recovered ? "connected recovered" : "connected");
        return Task.CompletedTask;
    }

    public Task SendMessage(string room, string text)
    {
        log.Entries.Enqueue($"sendMessage {room} {text}");
        return Clients.Room(room).Except(Socket.Id).MessageReceived(new ChatMessage(Socket.Id, text));
    }

    public Task<JoinResult> Join(string room, CancellationToken cancellationToken)
    {
        Socket.Join(room);
        var members = Socket.Namespace.Adapter.GetSockets([room]).Count;
        log.Entries.Enqueue($"join {room}");
        return Task.FromResult(new JoinResult(room, members));
    }

    public Task<(int Sum, string Echo)> Add(int a, int b, string echo) => Task.FromResult((a + b, echo));

    public Task<int> Upload(string name, byte[] data) => Task.FromResult(data.Length);

    public async Task<bool> AskClient(string question)
    {
        // Server → client emit with ack, from inside a handler.
        var answer = await Clients.Caller.Confirm(question);
        var all = await Clients.All.Timeout(TimeSpan.FromSeconds(3)).Confirm("all? " + question);
        log.Entries.Enqueue($"askClient {answer} {all.Count}");
        await Clients.Caller.FileReceived("f.bin", new byte[] { 1, 2, 3 });
        return answer;
    }

    public ValueTask Shout(ChatMessage message)
    {
        log.Entries.Enqueue($"shout {message.From} {message.Text}");
        return new ValueTask(Clients.Others.MessageReceived(message));
    }

    public Task<string[]> ListRooms() => Task.FromResult(Socket.Rooms.Order(StringComparer.Ordinal).ToArray());
}
