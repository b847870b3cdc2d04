using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Typed;

/// <summary>
/// The typed .NET client (generated proxy and binder) against the typed hub on our server and against Node's
/// socket.io serving the same contract (tests/js/sio-reference-server.mjs, <c>/chat</c>): every transport mode, both parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class TypedClientTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var server in new[] { "typed", "node" })
        {
            foreach (var row in TypedHubInteropTests.Modes())
            {
                data.Add(server, (string)row[0], (string)row[1]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Typed_client_calls_land_on_the_server_and_server_calls_land_on_the_client(string server, string mode, string parser)
    {
        await using var host = server == "typed" ? (IAsyncDisposable)await TypedHubHost.StartAsync(parser) : await NodeServer.StartAsync("sio-reference-server.mjs", ["--parser", parser, .. TolerantHeartbeat.NodeArguments]);
        var baseUrl = host is KestrelTestHost typed ? typed.BaseUrl : ((NodeServer)host).BaseUrl;
        await using var client = ClientKit.Create(new Uri(baseUrl), mode, parser);
        var socket = client.Of("/chat");
        var receiver = new Receiver();
        using var registration = socket.Register<IChatClient>(receiver);
        await ClientKit.ConnectAsync(socket, mode);
        var chat = socket.CreateProxy<IChatServer>();

        var joined = await chat.Join("r1");
        Assert.Equal(new JoinResult("r1", 1), joined);
        Assert.Equal((5, "five"), await chat.Add(2, 3, "five"));
        Assert.Equal(3, await chat.Upload("f", [1, 2, 3]));
        var rooms = await chat.ListRooms();
        Assert.Contains("r1", rooms);
        Assert.Contains(socket.Id!, rooms);

        // The hub asks this client (typed ack from the receiver's return value), then sends it a file.
        Assert.True(await chat.AskClient("ready?"));
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
