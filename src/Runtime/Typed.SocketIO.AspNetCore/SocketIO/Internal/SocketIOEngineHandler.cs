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
        return ValueTask.CompletedTask;
    }

    public override ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message) =>
        ((SocketIOConnection)socket.ApplicationState!).OnMessageAsync(message);

    public override ValueTask OnClosedAsync(EngineIOSocket socket, EngineIOCloseReason reason)
    {
        var connection = (SocketIOConnection)socket.ApplicationState!;
        connection.OnEngineClosed(reason);
        server.RemoveConnection(connection);
        return ValueTask.CompletedTask;
    }
}
