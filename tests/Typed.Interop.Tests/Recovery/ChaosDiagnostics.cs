using System.Text;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// What a failed chaos run needs to say: for every client, its socket as it sees it (id, pid, last offset, engine)
/// and as the server sees it (is a socket with that id registered, connected, on which engine, in which rooms).
/// </summary>
internal static class ChaosDiagnostics
{
    public static string Describe(SocketIOHost host, IReadOnlyList<TickRecorder> recorders)
    {
        var ns = host.Server.Of("/");
        var events = host.Events.ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < recorders.Count; i++)
        {
            var recorder = recorders[i];
            var socket = recorder.Socket;
            var id = socket.Id;
            text.Append($"client {i}: connected {socket.IsConnected}, id {id}, {socket.DescribeRecoveryState()}, ")
                .Append($"engine {socket.Client.EngineId} ({socket.Client.Transport}), ")
                .Append($"ticks {recorder.Count} (last {recorder.LastTick}); ");
            if (id is not null && ns.TryGetSocket(id, out var serverSocket))
            {
                text.Append($"server: connected {serverSocket.Connected}, pid {serverSocket.Pid}, engine {serverSocket.Connection.Id} (open {serverSocket.Connection.IsOpen}), rooms [{string.Join(",", serverSocket.Rooms)}]");
            }
            else
            {
                text.Append("server: no socket with that id");
            }

            var onEngine = ns.Sockets.Values.Where(s => s.Connection.Id == socket.Client.EngineId).Select(s => $"{s.Id}(connected {s.Connected}, rooms [{string.Join(",", s.Rooms)}])");
            text.Append($"; server sockets on its engine: [{string.Join("; ", onEngine)}]");
            text.AppendLine($"; history: {recorder.History}");
            var recent = recorder.History.Split(", ").TakeLast(8).Select(h => h.Split(':')).Where(h => h.Length > 1).Select(h => h[1].Split('@')[0]).ToHashSet();
            text.AppendLine($"  server events of its last sockets: {string.Join(" ", events.Where(e => recent.Any(id => e.Contains(id, StringComparison.Ordinal))))}");
        }

        text.AppendLine($"server: {ns.Sockets.Count} sockets registered, {ns.Adapter.GetSockets([]).Count} in the adapter");
        return text.ToString();
    }
}
