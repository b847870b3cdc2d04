using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// A server of the matrix, a client in the chosen mode, its socket on <c>/</c> and that socket's event log: the
/// starting point of most client scenarios. Counts the client's reconnection attempts.
/// </summary>
internal sealed class ClientSession : IAsyncDisposable
{
    private int _reconnectAttempts;

    private ClientSession(PeerServer peer, SocketIOClient client, SocketIOClientSocket socket)
    {
        Peer = peer;
        Client = client;
        Socket = socket;
        Log = new EventLog(socket);
        client.ReconnectAttempt += _ => Interlocked.Increment(ref _reconnectAttempts);
    }

    public PeerServer Peer { get; }

    public SocketIOClient Client { get; }

    public SocketIOClientSocket Socket { get; }

    public EventLog Log { get; }

    public int ReconnectAttempts => Volatile.Read(ref _reconnectAttempts);

    /// <summary>Starts the server and the client; connects the socket (after the upgrade in upgrade mode) unless told not to.</summary>
    public static async Task<ClientSession> StartAsync(string server, string mode, string parser, Action<SocketIOClientSocketOptions>? socketOptions = null, bool connect = true)
    {
        var peer = await PeerServer.StartAsync(server, parser);
        var client = ClientKit.Create(peer.Uri, mode, parser);
        var session = new ClientSession(peer, client, client.Of("/", socketOptions));
        if (connect)
        {
            await ClientKit.ConnectAsync(session.Socket, mode);
        }

        return session;
    }

    public void Deconstruct(out PeerServer peer, out SocketIOClient client, out SocketIOClientSocket socket, out EventLog log)
    {
        peer = Peer;
        client = Client;
        socket = Socket;
        log = Log;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Peer.DisposeAsync();
    }
}
