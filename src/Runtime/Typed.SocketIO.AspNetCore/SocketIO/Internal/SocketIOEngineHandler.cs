using Typed.EngineIO;

namespace Typed.SocketIO.Internal;

/// <summary>Puts Socket.IO on an Engine.IO endpoint: one <see cref="SocketIOConnection"/> per session.</summary>
internal sealed class SocketIOEngineHandler(SocketIOServer server) : EngineIOHandler
{
    public override ValueTask OnOpenedAsync(EngineIOSocket socket)
    {
        var connection = new SocketIOConnection(server, socket);
        socket.ApplicationState = connection;
        server.AddConnection(connection);
        SocketIOServerActivities.OnConnectionOpened(socket);
        server.Metrics.ConnectionOpened(socket.Transport);
        return ValueTask.CompletedTask;
    }

    public override ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message)
    {
        server.Metrics.BytesReceived(message.Data.Length);
        return ((SocketIOConnection)socket.ApplicationState!).OnMessageAsync(message);
    }

    internal override void OnUpgraded(EngineIOSocket socket) => server.Metrics.Upgraded();

    internal override bool AcceptsSessions => !server.IsClosed;

    public override ValueTask OnClosedAsync(EngineIOSocket socket, EngineIOCloseReason reason)
    {
        var connection = (SocketIOConnection)socket.ApplicationState!;
        connection.OnEngineClosed(reason);
        server.RemoveConnection(connection);
        server.Metrics.ConnectionClosed();
        return ValueTask.CompletedTask;
    }
}
