using System.Text.Json;
using System.Text.Json.Nodes;

namespace Typed.Interop.Tests;

/// <summary>
/// The official npm <c>socket.io-client</c> 4.8 against our server, in every transport mode and with both parsers,
/// and the same runs against Node's <c>socket.io</c> 4.8: the client must observe the same results from both, and
/// the servers must report the same disconnect reasons.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class SocketIOClientInteropTests
{
    private static readonly string[] s_scenarios =
        ["connect-auth", "middleware-reject", "unknown-namespace", "events", "acks", "binary", "rooms", "broadcast-ack", "disconnect-reasons"];

    // Observations that differ between any two runs, whatever the server: ids, timings, engine bookkeeping, and the
    // free-text details of a disconnect (the close code: the reference sends none, .NET cannot, so we send 1000);
    // the reasons themselves are compared.
    private static readonly HashSet<string> s_volatileFields = ["ms", "ids", "sids", "eid", "transports", "reconnectMs", "engineCloseReasons", "disconnects"];

    public static TheoryData<string, string> Modes() => new()
    {
        { "polling", "json" }, { "websocket", "json" }, { "upgrade", "json" },
        { "polling", "msgpack" }, { "websocket", "msgpack" }, { "upgrade", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Stock_client_sees_the_same_results_from_our_server_as_from_node_socket_io(string mode, string parser)
    {
        var failures = new List<string>();
        foreach (var scenario in s_scenarios)
        {
            JsonObject ours, reference;
            string[] ourReasons, referenceReasons;
            await using (var host = await SocketIOHost.StartAsync(parser, configure: TolerantHeartbeat.Apply))
            {
                ours = await RunAsync(host.BaseUrl, mode, parser, scenario);
                ourReasons = await DisconnectReasonsAsync(host.Events);
            }

            await using (var node = await NodeServer.StartAsync("sio-reference-server.mjs", ["--parser", parser, .. TolerantHeartbeat.NodeArguments]))
            {
                reference = await RunAsync(node.BaseUrl, mode, parser, scenario);
                referenceReasons = await DisconnectReasonsAsync(node.Events);
            }

            if (!reference["ok"]!.GetValue<bool>())
            {
                failures.Add($"{scenario}: the harness failed against the Node reference itself: {reference["errors"]!.ToJsonString()}");
                continue;
            }

            if (!ours["ok"]!.GetValue<bool>())
            {
                failures.Add($"{scenario}: {ours["errors"]!.ToJsonString()}");
                continue;
            }

            var ourView = Normalize(ours)!.ToJsonString();
            var referenceView = Normalize(reference)!.ToJsonString();
            if (ourView != referenceView)
            {
                failures.Add($"{scenario}: observations differ\n  ours:      {ourView}\n  reference: {referenceView}");
            }

            if (!ourReasons.SequenceEqual(referenceReasons))
            {
                failures.Add($"{scenario}: server-side disconnect reasons differ\n  ours:      {string.Join(", ", ourReasons)}\n  reference: {string.Join(", ", referenceReasons)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static async Task<JsonObject> RunAsync(string baseUrl, string mode, string parser, string scenario)
    {
        var result = await NodeScript.RunAsync("sio-interop.mjs", baseUrl, mode, parser, scenario);
        return JsonNode.Parse(result.GetRawText())!.AsObject();
    }

    /// <summary>
    /// The observations minus what legitimately differs between runs. Maps keyed by client label ("A", "B"…) are
    /// filled as concurrent clients finish, so their key order is sorted away; every other order is kept.
    /// </summary>
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(
            (IsLabelMap(obj) ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : obj.AsEnumerable())
                .Where(p => !s_volatileFields.Contains(p.Key))
                .Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Normalize)]),
        _ => node?.DeepClone(),
    };

    private static bool IsLabelMap(JsonObject obj) => obj.Count > 0 && obj.All(p => p.Key.Length == 1 && char.IsAsciiLetterUpper(p.Key[0]));

    /// <summary>"nsp label reason" for every socket that left, sorted (sockets leave concurrently).</summary>
    private static async Task<string[]> DisconnectReasonsAsync(System.Collections.Concurrent.ConcurrentQueue<string> events)
    {
        // The client's last disconnects reach the server just before the script exits; give them a moment.
        await Task.Delay(300);
        var reasons = new List<string>();
        foreach (var line in events)
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.GetProperty("type").GetString() == "disconnect")
            {
                var label = root.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : "-";
                reasons.Add($"{root.GetProperty("nsp").GetString()} {label} {root.GetProperty("reason").GetString()}");
            }
        }

        reasons.Sort(StringComparer.Ordinal);
        return [.. reasons];
    }
}
