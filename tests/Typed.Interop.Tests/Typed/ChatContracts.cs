using System.Text.Json.Serialization;
using Typed;

namespace Typed.Interop.Tests.Typed;

public sealed record ChatMessage(string From, string Text);

public sealed record JoinResult(string Room, int Members);

/// <summary>What the JS client sends (client → server).</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IChatServer : IRoomServer
{
    Task SendMessage(string room, string text);

    Task<JoinResult> Join(string room, CancellationToken cancellationToken = default);

    Task<(int Sum, string Echo)> Add(int a, int b, string echo);

    [SocketEvent("upload file")]
    Task<int> Upload(string name, byte[] data);

    Task<bool> AskClient(string question);

    ValueTask Shout(ChatMessage message);
}

/// <summary>An inherited contract: its events are the derived contract's too.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IRoomServer
{
    Task<string[]> ListRooms();
}

/// <summary>What the server sends (server → client).</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IChatClient
{
    Task MessageReceived(ChatMessage message);

    Task<bool> Confirm(string question);

    Task FileReceived(string name, ReadOnlyMemory<byte> data);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(JoinResult))]
[JsonSerializable(typeof(string[]))]
public sealed partial class ChatJson : JsonSerializerContext;
