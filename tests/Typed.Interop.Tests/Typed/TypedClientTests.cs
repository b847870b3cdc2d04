using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Typed;

/// <summary>The typed .NET client (generated proxy and binder) against the typed hub, every transport mode, both parsers.</summary>
public sealed class TypedClientTests
{
    public static TheoryData<string, string> Modes() => TypedHubInteropTests.Modes();

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Typed_client_calls_land_on_the_hub_and_hub_calls_land_on_the_client(string mode, string parser)
    {
        await using var host = await TypedHubHost.StartAsync(parser);
        await using var client = ClientKit.Create(new Uri(host.BaseUrl), mode, parser);
        var socket = client.Of("/chat");
        var receiver = new Receiver();
        using var registration = socket.Register<IChatClient>(receiver);
        await ClientKit.ConnectAsync(socket, mode);
        var server = socket.CreateProxy<IChatServer>();

        var joined = await server.Join("r1");
        Assert.Equal(new JoinResult("r1", 1), joined);
        Assert.Equal((5, "five"), await server.Add(2, 3, "five"));
        Assert.Equal(3, await server.Upload("f", [1, 2, 3]));
        var rooms = await server.ListRooms();
        Assert.Contains("r1", rooms);
        Assert.Contains(socket.Id!, rooms);

        // The hub asks this client (typed ack from the receiver's return value), then sends it a file.
        Assert.True(await server.AskClient("ready?"));
        var file = await receiver.File.Task.WaitAsync(ClientKit.Wait);
        Assert.Equal("f.bin", file.Name);
        Assert.Equal([1, 2, 3], file.Data);
        Assert.Equal(["ready?", "all? ready?"], receiver.Questions);
        await ClientKit.AssertTransportAsync(client, mode);
    }

    private sealed class Receiver : IChatClient
    {
        public List<string> Questions { get; } = [];

        public TaskCompletionSource<(string Name, byte[] Data)> File { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task MessageReceived(ChatMessage message) => Task.CompletedTask;

        public Task<bool> Confirm(string question)
        {
            lock (Questions)
            {
                Questions.Add(question);
            }

            return Task.FromResult(true);
        }

        public Task FileReceived(string name, ReadOnlyMemory<byte> data)
        {
            File.TrySetResult((name, data.ToArray()));
            return Task.CompletedTask;
        }
    }
}
