using System.Text.Json;
using System.Text.Json.Nodes;
using Typed.SocketIO;

namespace ConformanceServer;

/// <summary>
/// The events the interop application adds as a cluster member (docs/protocol/cluster-app.md), the same as
/// tests/js/cluster-member.mjs does on Node's socket.io with @socket.io/redis-adapter, so one scenario script runs
/// against Node-only, Typed-only and mixed clusters. <c>member</c> is the member's name (its port).
/// </summary>
public static class ClusterApp
{
    /// <summary>socket.io's default heartbeat and connect timeout (25 s, 20 s, 45 s), for cluster members.</summary>
    public static void ApplyHeartbeat(SocketIOOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EngineIO.PingInterval = TimeSpan.FromSeconds(25);
        options.EngineIO.PingTimeout = TimeSpan.FromSeconds(20);
        options.ConnectTimeout = TimeSpan.FromSeconds(45);
    }

    /// <summary>Adds the cluster events on <c>/</c> and <c>/custom</c> of <paramref name="io"/>.</summary>
    public static void Configure(SocketIOServer io, string member)
    {
        ArgumentNullException.ThrowIfNull(io);
        foreach (var name in new[] { "/", "/custom" })
        {
            var nsp = io.Of(name);
            nsp.OnServerSideEmit("sse", arguments => nsp.Local.Emit("sse-received", Argument(arguments, 0)));
            nsp.OnServerSideEmit("sse-ack", _ => new ValueTask<object?>(member));
            nsp.OnConnection(socket => OnConnection(nsp, socket, member));
        }
    }

    private static void OnConnection(SocketIONamespace nsp, SocketIOSocket socket, string member)
    {
        socket.On("whoami", e => e.Ack(Element(new JsonObject
        {
            ["member"] = member,
            ["id"] = socket.Id,
            ["recovered"] = socket.Recovered,
            ["rooms"] = Strings(socket.Rooms),
        })));
        socket.On("broadcast-all", e =>
        {
            nsp.Emit("all-message", Argument(e.Arguments, 0));
            e.Ack("sent");
        });
        socket.On("broadcast-volatile", e =>
        {
            nsp.Volatile.Emit("volatile-message", Argument(e.Arguments, 0));
            e.Ack("sent");
        });
        socket.On("room-broadcast-with-ack", async e =>
        {
            var request = Argument(e.Arguments, 0);
            var timeout = request.TryGetProperty("timeout", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : 1000;
            var arg = request.TryGetProperty("arg", out var a) ? a : default;
            try
            {
                var responses = await nsp.To(request.GetProperty("room").GetString()!).Timeout(TimeSpan.FromMilliseconds(timeout)).EmitWithAckAsync("ping-all", arg);
                e.Ack(Element(FirstArguments(responses)));
            }
            catch (SocketIOAckTimeoutException timedOut)
            {
                e.Ack(Element(new JsonObject { ["timedOut"] = true, ["responses"] = FirstArguments(timedOut.Responses) }));
            }
        });
        socket.On("fetch-sockets", async e =>
        {
            try
            {
                var sockets = await Select(nsp, Argument(e.Arguments, 0)).FetchSocketsAsync();
                var list = new JsonArray();
                foreach (var found in sockets.OrderBy(s => s.Id, StringComparer.Ordinal))
                {
                    list.Add(new JsonObject
                    {
                        ["id"] = found.Id,
                        ["label"] = found.Handshake.Auth.ValueKind == JsonValueKind.Object && found.Handshake.Auth.TryGetProperty("label", out var label) ? JsonNode.Parse(label.GetRawText()) : null,
                        ["rooms"] = Strings(found.Rooms),
                    });
                }

                e.Ack(Element(list));
            }
            catch (Exception failure) when (failure is TimeoutException or InvalidOperationException or StackExchange.Redis.RedisException)
            {
                e.Ack(Element(new JsonObject { ["error"] = failure.Message }));
            }
        });
        socket.On("sockets-join", e =>
        {
            var request = Argument(e.Arguments, 0);
            Select(nsp, request).SocketsJoin(RoomList(request));
            e.Ack("done");
        });
        socket.On("sockets-leave", e =>
        {
            var request = Argument(e.Arguments, 0);
            Select(nsp, request).SocketsLeave(RoomList(request));
            e.Ack("done");
        });
        socket.On("disconnect-sockets", e =>
        {
            var request = Argument(e.Arguments, 0);
            e.Ack("done");
            Select(nsp, request).DisconnectSockets(request.TryGetProperty("close", out var close) && close.ValueKind == JsonValueKind.True);
        });
        socket.On("server-side-emit", e =>
        {
            nsp.ServerSideEmit("sse", Argument(e.Arguments, 0));
            e.Ack("sent");
        });
        socket.On("server-side-emit-ack", async e =>
        {
            bool timedOut;
            IReadOnlyList<SocketIOArguments> responses;
            try
            {
                responses = await nsp.ServerSideEmitWithAckAsync("sse-ack", Argument(e.Arguments, 0));
                timedOut = false;
            }
            catch (SocketIOAckTimeoutException timeout)
            {
                responses = timeout.Responses;
                timedOut = true;
            }

            e.Ack(Element(new JsonObject { ["timedOut"] = timedOut, ["responses"] = FirstArguments(responses) }));
        });
    }

    /// <summary><c>nsp.in(room)</c> when room is a string, then <c>.except(except)</c> when except is a string.</summary>
    private static SocketIOBroadcastOperator Select(SocketIONamespace nsp, JsonElement selection)
    {
        var selected = nsp.All;
        if (selection.ValueKind != JsonValueKind.Object)
        {
            return selected;
        }

        if (selection.TryGetProperty("room", out var room) && room.ValueKind == JsonValueKind.String)
        {
            selected = selected.In(room.GetString()!);
        }

        if (selection.TryGetProperty("except", out var except) && except.ValueKind == JsonValueKind.String)
        {
            selected = selected.Except(except.GetString()!);
        }

        return selected;
    }

    private static string[] RoomList(JsonElement request) =>
        request.TryGetProperty("rooms", out var rooms) && rooms.ValueKind == JsonValueKind.Array
            ? [.. rooms.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
            : [];

    private static JsonElement Argument(SocketIOArguments arguments, int index) =>
        arguments.Count > index ? arguments.GetJsonElement(index) : default;

    /// <summary>Each answer's first argument, sorted by its JSON text (the answers here are strings).</summary>
    private static JsonArray FirstArguments(IReadOnlyList<SocketIOArguments> responses)
    {
        var values = responses.Select(r => r.Count > 0 ? r.GetJsonElement(0) : default)
            .OrderBy(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText(), StringComparer.Ordinal);
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(value.GetRawText()));
        }

        return array;
    }

    private static JsonArray Strings(IEnumerable<string> values)
    {
        var array = new JsonArray();
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            array.Add(value);
        }

        return array;
    }

    private static JsonElement Element(JsonNode node) => JsonSerializer.SerializeToElement(node, ClusterAppJson.Default.JsonNode);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonNode))]
internal sealed partial class ClusterAppJson : System.Text.Json.Serialization.JsonSerializerContext;
