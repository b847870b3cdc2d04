using System.Buffers;
using System.Text.Json;
using Typed.SocketIO;

namespace ConformanceServer;

/// <summary>
/// Connection state recovery for the interop application (../shared/interop/CLUSTER-APP.md): <c>--recovery</c> turns
/// it on (<c>skipMiddlewares</c> true, as Node's), <c>--recovery-window ms</c> sets <c>maxDisconnectionDuration</c>
/// (default 120000), and <c>whoami</c> tells a client who it is now.
/// </summary>
public static class ConformanceRecovery
{
    /// <summary>The recovery options the command line asks for; null when <c>--recovery</c> is absent.</summary>
    public static SocketIOConnectionStateRecoveryOptions? FromArguments(string[] args)
    {
        if (Array.IndexOf(args, "--recovery") < 0)
        {
            return null;
        }

        var index = Array.IndexOf(args, "--recovery-window");
        var window = 120_000;
        if (index >= 0 && (index + 1 >= args.Length || !int.TryParse(args[index + 1], out window) || window <= 0))
        {
            throw new ArgumentException("--recovery-window takes a positive number of milliseconds.");
        }

        return new SocketIOConnectionStateRecoveryOptions { MaxDisconnectionDuration = TimeSpan.FromMilliseconds(window) };
    }

    /// <summary>
    /// <c>whoami</c> (ack) on <c>/</c> and <c>/custom</c>: <c>{member: "&lt;port&gt;", id, recovered, rooms}</c>, rooms
    /// sorted (ordinal) and including the socket's own id.
    /// </summary>
    public static void Configure(SocketIOServer io, string member)
    {
        foreach (var name in new[] { "/", "/custom" })
        {
            io.Of(name).OnConnection(socket => socket.On("whoami", e =>
            {
                e.Ack(WhoAmI(member, e.Socket));
            }));
        }
    }

    /// <summary>Written by hand: the answer is a JsonElement, which the server sends as is.</summary>
    private static JsonElement WhoAmI(string member, SocketIOSocket socket)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("member", member);
            writer.WriteString("id", socket.Id);
            writer.WriteBoolean("recovered", socket.Recovered);
            writer.WriteStartArray("rooms");
            foreach (var room in socket.Rooms.Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(room);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
