using System;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using Typed;
using Typed.SocketIO;

namespace Chat;

public sealed record ChatMessage(string From, string Text);

public sealed record JoinResult(string Room, int Members);

[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IRoomServer
{
    Task<string[]> ListRooms();
}

[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IChatServer : IRoomServer
{
    Task SendMessage(string room, string text);

    [AckTimeout(5000)]
    Task<JoinResult> JoinAsync(string room, CancellationToken cancellationToken = default);

    Task<(int Sum, string? Echo)> Add(int a, int b, string? echo);

    [SocketEvent("upload file")]
    ValueTask<int> Upload(string name, byte[] data, ReadOnlyMemory<byte> more);
}

[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);

    Task<bool> Confirm(Guid id);
}

[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(JoinResult))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ChatJson : JsonSerializerContext
{
    // Stands in for what System.Text.Json's generator (not run by this harness) adds.
    public ChatJson()
        : base(null)
    {
    }

    public static ChatJson Default { get; } = new();

    protected override System.Text.Json.JsonSerializerOptions? GeneratedSerializerOptions => null;

    public override System.Text.Json.Serialization.Metadata.JsonTypeInfo? GetTypeInfo(Type type) => null;
}

public interface IClock
{
    DateTimeOffset Now { get; }
}

public sealed class ChatHub(IClock clock, IServiceProvider? services) : SocketHub<IChatClient>, IChatServer
{
    public Task SendMessage(string room, string text) => Clients.Room(room).Except(Socket.Id).MessageReceived(new(Socket.Id, text + clock.Now + services));

    public Task<JoinResult> JoinAsync(string room, CancellationToken cancellationToken) => Task.FromResult(new JoinResult(room, 1));

    public Task<(int Sum, string? Echo)> Add(int a, int b, string? echo) => Task.FromResult((a + b, echo));

    public ValueTask<int> Upload(string name, byte[] data, ReadOnlyMemory<byte> more) => new(data.Length + more.Length);

    public Task<string[]> ListRooms() => Task.FromResult(Array.Empty<string>());
}
