using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Bench.Server;

/// <summary>
/// The transport limit: Kestrel WebSockets at /ws with a one-byte framing (first byte of each text message):
/// <c>e…</c> echo back as is · <c>f…</c> count · <c>b</c> answer <c>b&lt;count&gt;</c> · <c>n&lt;N&gt;</c> send N
/// <c>d&lt;payload&gt;</c> messages then <c>n&lt;N&gt;</c> · <c>B…</c> send the same bytes to every connection.
/// </summary>
public static class RawWebSocketApp
{
    private static readonly ConcurrentDictionary<long, Connection> Connections = new();
    private static long _nextId;

    public static void AddServices(IServiceCollection services) => _ = services;

    public static void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await RunAsync(new Connection(socket));
        });
    }

    private static async Task RunAsync(Connection connection)
    {
        var id = Interlocked.Increment(ref _nextId);
        Connections[id] = connection;
        var buffer = new byte[4096];
        var data = new byte[Payload.Utf8.Length + 1];
        data[0] = (byte)'d';
        Payload.Utf8.CopyTo(data, 1);
        long received = 0;
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await connection.Socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close || length == 0)
                {
                    break;
                }

                var message = buffer.AsMemory(0, length);
                switch (buffer[0])
                {
                    case (byte)'e':
                        await connection.SendAsync(message);
                        break;
                    case (byte)'f':
                        received++;
                        break;
                    case (byte)'b':
                        await connection.SendAsync(Number((byte)'b', received));
                        break;
                    case (byte)'n':
                        Utf8Parser.TryParse(message.Span[1..], out int count, out _);
                        for (var i = 0; i < count; i++)
                        {
                            await connection.SendAsync(data);
                        }

                        await connection.SendAsync(Number((byte)'n', count));
                        break;
                    case (byte)'B':
                        var copy = message.ToArray();
                        foreach (var other in Connections.Values)
                        {
                            await other.TrySendAsync(copy);
                        }

                        break;
                }
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away (the load generator aborts its connections).
        }
        finally
        {
            Connections.TryRemove(id, out _);
        }
    }

    private static byte[] Number(byte prefix, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        var bytes = new byte[written + 1];
        bytes[0] = prefix;
        digits[..written].CopyTo(bytes.AsSpan(1));
        return bytes;
    }

    private sealed class Connection(WebSocket socket)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public WebSocket Socket { get; } = socket;

        public async ValueTask SendAsync(ReadOnlyMemory<byte> message)
        {
            await _send.WaitAsync();
            try
            {
                await Socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                _send.Release();
            }
        }

        public async ValueTask TrySendAsync(ReadOnlyMemory<byte> message)
        {
            try
            {
                await SendAsync(message);
            }
            catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                // That recipient is closing.
            }
        }
    }
}
