using System.Text.Json;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Client;

/// <summary>Builds .NET clients for a transport mode and parser, and waits for what they observe.</summary>
internal static class ClientKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Every (server, mode, parser) the client is tested in.</summary>
    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var server in new[] { "node", "typed" })
        {
            foreach (var mode in new[] { "polling", "websocket", "upgrade" })
            {
                foreach (var parser in new[] { "json", "msgpack" })
                {
                    data.Add(server, mode, parser);
                }
            }
        }

        return data;
    }

    /// <summary>A client in <paramref name="mode"/>: reconnection is fast (100–500 ms) so the tests stay short.</summary>
    public static SocketIOClient Create(Uri uri, string mode, string parser, Action<SocketIOClientOptions>? configure = null) =>
        new(uri, o =>
        {
            o.Transports = mode switch
            {
                "polling" => EngineIOTransports.Polling,
                "websocket" => EngineIOTransports.WebSocket,
                _ => EngineIOTransports.Polling | EngineIOTransports.WebSocket,
            };
            o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(100);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(500);
            o.ConnectTimeout = TimeSpan.FromSeconds(5);
            configure?.Invoke(o);
        });

    /// <summary>
    /// Connects <paramref name="socket"/>; in upgrade mode, first waits until the connection has upgraded, so the
    /// scenario runs over the upgraded WebSocket (polling must never upgrade, websocket opens on WebSocket).
    /// </summary>
    public static async Task ConnectAsync(SocketIOClientSocket socket, string mode)
    {
        await socket.ConnectAsync().WaitAsync(Wait);
        await AssertTransportAsync(socket.Client, mode);
    }

    public static async Task AssertTransportAsync(SocketIOClient client, string mode)
    {
        var expected = mode == "polling" ? EngineIOTransports.Polling : EngineIOTransports.WebSocket;
        var deadline = DateTime.UtcNow + Wait;
        while (client.Transport != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(expected, client.Transport);
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static Dictionary<string, string> Map(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>The arguments as one JSON array, binaries as <c>{"$bin":"hex"}</c>, for exact comparisons.</summary>
    public static string Canonical(SocketIOArguments args)
    {
        var parts = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            parts.Add(args.IsBinary(i)
                ? $"{{\"$bin\":\"{Convert.ToHexString(args.GetBytes(i).Span).ToLowerInvariant()}\"}}"
                : System.Text.Encoding.UTF8.GetString(args.GetRawJson(i).Span));
        }

        return "[" + string.Join(",", parts) + "]";
    }
}
