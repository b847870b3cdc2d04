using Typed.SocketIO;
using Typed.SocketIO.Client;
using static Typed.Interop.Tests.Client.ClientKit;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// The set-up the .NET client's recovery tests share: a receiving client (through a <see cref="TcpCutProxy"/> the test
/// cuts) that joined room "r", a sending client elsewhere, and a <see cref="Broadcaster"/> sending numbered "others"
/// broadcasts, already received 20 times before the test cuts anything.
/// </summary>
internal sealed class CutReceiver : IAsyncDisposable
{
    private readonly SocketIOClient _receiver;
    private readonly SocketIOClient _sender;

    private CutReceiver(SocketIOClient receiver, SocketIOClient sender, SocketIOClientSocket socket, SocketIOClientSocket broadcasting, TickRecorder recorder, Broadcaster broadcaster)
    {
        _receiver = receiver;
        _sender = sender;
        Socket = socket;
        Broadcasting = broadcasting;
        Recorder = recorder;
        FirstId = socket.Id!;
        Broadcaster = broadcaster;
    }

    /// <summary>The receiving socket (namespace "/").</summary>
    public SocketIOClientSocket Socket { get; }

    /// <summary>The sending socket, which asks its server for the "others" broadcasts.</summary>
    public SocketIOClientSocket Broadcasting { get; }

    public TickRecorder Recorder { get; }

    /// <summary>The receiving socket's id on its first connection.</summary>
    public string FirstId { get; }

    /// <summary>The running broadcaster; a test that stops it may start another.</summary>
    public Broadcaster Broadcaster { get; set; }

    /// <param name="receiverUri">Where the receiver connects: the cut proxy.</param>
    /// <param name="senderUri">Where the sender connects.</param>
    /// <param name="mode">The receiver's transport (<c>polling</c> or <c>websocket</c>); the sender uses WebSocket.</param>
    /// <param name="parser"><c>json</c> or <c>msgpack</c>.</param>
    public static async Task<CutReceiver> StartAsync(Uri receiverUri, Uri senderUri, string mode, string parser)
    {
        var receiver = Create(receiverUri, mode, parser);
        var sender = Create(senderUri, "websocket", parser);
        try
        {
            var socket = receiver.Of("/");
            var recorder = new TickRecorder(socket, "others");
            await socket.ConnectAsync().WaitAsync(Wait);
            Assert.False(socket.Recovered);
            await socket.EmitWithAckAsync("join", [Json("""["r"]""")], Wait);
            var broadcasting = sender.Of("/");
            await broadcasting.ConnectAsync().WaitAsync(Wait);

            var broadcaster = Broadcaster.Start(n => broadcasting.Emit("broadcast-others", n));
            var started = new CutReceiver(receiver, sender, socket, broadcasting, recorder, broadcaster);
            await recorder.WaitUntilAsync(r => r.Count >= 20, "20 broadcasts before the cut");
            return started;
        }
        catch
        {
            await receiver.DisposeAsync();
            await sender.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _sender.DisposeAsync();
    }
}
