using Xunit.Abstractions;
using System.Text.Json;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Browser.Tests;

/// <summary>
/// The chat sample as two servers on one Redis, started as docs/redis.md says (<c>Chat.Server --port … --redis …</c>):
/// a user on one server and a user on the other chat in one room. Alice is a .NET client driven by the test (so it
/// knows when to speak); bob is the sample's console client (as the browser test's peer), on the other server.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class ChatClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Two_chat_servers_on_one_Redis_carry_messages_and_presence_between_their_users()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var serverA = await ChatServerProcess.StartAsync("--redis", redis.Address);
        await using var serverB = await ChatServerProcess.StartAsync("--redis", redis.Address);
        const string Room = "two-servers";

        await using var client = new SocketIOClient(new Uri(serverA.BaseUrl), o => o.ConnectTimeout = Wait);
        var alice = client.Of("/chat", o => o.Auth = new Dictionary<string, string> { ["nickname"] = "alice" });
        var fromBob = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bobJoined = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.On("message", e => fromBob.TrySetResult(Parse(e.Arguments)));
        alice.On("userJoined", e => bobJoined.TrySetResult(Parse(e.Arguments)));
        await alice.ConnectAsync().WaitAsync(Wait);
        var joined = Parse(await alice.EmitWithAckAsync("join", [Room], Wait));
        Assert.True(joined.GetProperty("ok").GetBoolean(), joined.GetRawText());

        // Bob, on server B, joins, says hello and waits for alice's answer (which she sends once she has his).
        var bob = ChatClientProcess.RunAsync(serverB.BaseUrl, "bob", Room, "--say", "hello from bob", "--expect", "hello from alice", "--timeout", "30");

        var presence = await bobJoined.Task.WaitAsync(Wait);
        Assert.Equal("bob", presence.GetProperty("nickname").GetString());
        var message = await fromBob.Task.WaitAsync(Wait);
        Assert.Equal("bob", message.GetProperty("from").GetString());
        Assert.Equal("hello from bob", message.GetProperty("text").GetString());

        var sent = Parse(await alice.EmitWithAckAsync("send", [Room, "hello from alice"], Wait));
        Assert.True(sent.GetProperty("ok").GetBoolean(), sent.GetRawText());

        var (exitCode, result, command) = await bob.WaitAsync(Wait + Wait);
        output.WriteLine(command);
        output.WriteLine(result.GetRawText());
        Assert.True(exitCode == 0, result.GetRawText());
        Assert.Equal("alice", result.GetProperty("received").GetProperty("from").GetString());
        Assert.Equal("hello from alice", result.GetProperty("received").GetProperty("text").GetString());
    }

    private static JsonElement Parse(SocketIOArguments arguments) => JsonDocument.Parse(arguments.GetRawJson(0)).RootElement.Clone();
}
