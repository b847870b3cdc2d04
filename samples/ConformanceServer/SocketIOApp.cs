using System.Text.Json;
using Typed.SocketIO;

namespace ConformanceServer;

/// <summary>
/// The Socket.IO application the conformance and interop tests drive (its contract is written in tests/js/README.md,
/// and tests/js/sio-reference-server.mjs implements the same one on Node's socket.io for comparison).
/// </summary>
public static class SocketIOApp
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> TryCounts = new(StringComparer.Ordinal);

    /// <summary>
    /// The options the conformance suites expect: ping 300 ms / timeout 200 ms, connect timeout 1000 ms,
    /// maxHttpBufferSize 1e6, any origin, and the JSON types the application emits.
    /// </summary>
    public static void ConfigureOptions(SocketIOOptions options, SocketIOParser parser)
    {
        ConformanceSettings.Apply(options.EngineIO);
        options.ConnectTimeout = TimeSpan.FromMilliseconds(1000);
        options.Parser = parser;
        options.UseJson(SocketIOAppJson.Default);
    }

    /// <summary>Sets up <c>/</c>, <c>/custom</c> and <c>/secure</c> on <paramref name="io"/>.</summary>
    /// <param name="io">The server.</param>
    /// <param name="onEvent">Told of server-side observations (connections, disconnect reasons), one JSON line each.</param>
    public static void Configure(SocketIOServer io, Action<string>? onEvent = null)
    {
        foreach (var name in new[] { "/", "/custom" })
        {
            io.Of(name).OnConnection(socket => OnConnection(io, socket, onEvent));
        }

        io.Of("/secure").Use(_ => throw new SocketIOConnectionRejectedException(
            "not authorized",
            JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["content"] = "Please retry later" }, SocketIOAppJson.Default.DictionaryStringString)));
    }

    private static void OnConnection(SocketIOServer io, SocketIOSocket socket, Action<string>? onEvent)
    {
        var label = socket.Handshake.Auth.TryGetProperty("label", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        Report(onEvent, "connect", socket, label, null);
        socket.Disconnected += (s, reason) => Report(onEvent, "disconnect", s, label, reason.ToWireString());

        socket.Emit("auth", socket.Handshake.Auth);
        socket.On("message", e => e.Socket.Emit("message-back", e.Arguments));
        socket.On("message-with-ack", e => e.Ack(e.Arguments));
        socket.On("count-stream", e =>
        {
            // A stream by hand (docs/streaming.md): [count, {"$stream":id,"credit":n}] is accepted with {"$stream":id},
            // then min(count, credit) items 0, 1, 2… and the end.
            var count = e.Arguments.GetJsonElement(0).GetInt32();
            var request = e.Arguments.GetJsonElement(1);
            var id = request.GetProperty("$stream").GetString()!;
            var credit = request.GetProperty("credit").GetInt32();
            e.Ack(new Dictionary<string, string> { ["$stream"] = id });
            for (var i = 0; i < Math.Min(count, credit); i++)
            {
                e.Socket.Emit("$stream", id, i);
            }

            e.Socket.Emit("$stream-end", id);
        });
        socket.On("sum-upload", async e =>
        {
            // An upload (docs/streaming.md): [{"$stream":id}] with an ack; the receiver grants credit as it takes the
            // items {"number":n} and answers their sum. Typed's own receiver does the convention here (Node's
            // reference server does it by hand); an uploader's error comes back as its error acknowledgement.
            var items = await Typed.SocketIO.Contracts.SocketContractStreams.ReceiveUploadAsync(socket, e, 0, "sum-upload", SocketIOAppJson.Default.JsonElement);
            var sum = 0;
            await foreach (var item in items)
            {
                sum += item.GetProperty("number").GetInt32();
            }

            await Typed.SocketIO.Contracts.SocketContractStreams.EndUploadAsync(items);
            e.Ack(sum);
        });
        socket.On("binary", e => e.Socket.Emit("binary-back", e.Arguments));
        socket.On("binary-ack", e => e.Ack(e.Arguments.GetBytes(0).ToArray(), "ok"));
        socket.On("request-question", async e =>
        {
            string answer;
            try
            {
                var reply = await e.Socket.EmitWithAckAsync("question", TimeSpan.FromSeconds(2), 42);
                answer = reply.GetString(0) ?? "";
            }
            catch (SocketIOAckTimeoutException)
            {
                answer = "timeout";
            }

            e.Socket.Emit("question-answered", answer);
        });
        socket.On("join", e =>
        {
            var rooms = e.Arguments.GetJsonElement(0).EnumerateArray().Select(room => room.GetString()!).ToArray();
            e.Socket.Join(rooms);
            e.Ack("joined");
        });
        socket.On("broadcast-except", e =>
        {
            var request = e.Arguments.GetJsonElement(0);
            e.Socket.Namespace.To(request.GetProperty("room").GetString()!)
                .Except(request.GetProperty("except").GetString()!)
                .Emit("room-message", request.GetProperty("payload"));
            e.Ack("sent");
        });
        socket.On("broadcast-others", e => e.Socket.Broadcast.Emit("others", e.Arguments));
        socket.On("broadcast-with-ack", async e =>
        {
            var request = e.Arguments.Count > 0 ? e.Arguments.GetJsonElement(0) : default;
            try
            {
                var responses = await e.Socket.Namespace.Timeout(TimeSpan.FromSeconds(1)).EmitWithAckAsync("ping-all", request);
                e.Ack(Labels(responses));
            }
            catch (SocketIOAckTimeoutException timeout)
            {
                e.Ack(new Dictionary<string, JsonElement>
                {
                    ["timedOut"] = JsonSerializer.SerializeToElement(true, SocketIOAppJson.Default.Boolean),
                    ["responses"] = JsonSerializer.SerializeToElement(Labels(timeout.Responses), SocketIOAppJson.Default.StringArray),
                });
            }
        });
        socket.On("disconnect-me", e => e.Socket.Disconnect());
        socket.On("disconnect-me-fully", e => e.Socket.Disconnect(close: true));
        socket.On("kill-transport", e => e.Socket.Connection.Close());
        socket.On("ack-on-try", e =>
        {
            // Acknowledges only from the n-th receipt of a key on: lets a client prove its retries.
            var count = TryCounts.AddOrUpdate(e.Arguments.GetString(0) ?? "", 1, (_, n) => n + 1);
            if (count >= e.Arguments.GetValue(1, SocketIOAppJson.Default.Int32))
            {
                e.Ack("ok", count);
            }
        });
        _ = io;
    }

    private static string[] Labels(IReadOnlyList<SocketIOArguments> responses)
    {
        var labels = responses.Select(r => r.GetString(0) ?? "").ToArray();
        Array.Sort(labels, StringComparer.Ordinal);
        return labels;
    }

    private static void Report(Action<string>? onEvent, string type, SocketIOSocket socket, string? label, string? reason)
    {
        if (onEvent is null)
        {
            return;
        }

        var line = new Dictionary<string, string?> { ["type"] = type, ["nsp"] = socket.Namespace.Name, ["label"] = label, ["reason"] = reason, ["id"] = socket.Id };
        onEvent(JsonSerializer.Serialize(line, SocketIOAppJson.Default.DictionaryStringString));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string?>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
[System.Text.Json.Serialization.JsonSerializable(typeof(bool))]
[System.Text.Json.Serialization.JsonSerializable(typeof(int))]
[System.Text.Json.Serialization.JsonSerializable(typeof(JsonElement))]
internal sealed partial class SocketIOAppJson : System.Text.Json.Serialization.JsonSerializerContext;
