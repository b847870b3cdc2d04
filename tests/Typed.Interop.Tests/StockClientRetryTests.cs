using System.Text.Json;

namespace Typed.Interop.Tests;

/// <summary>
/// The stock socket.io-client's retry queue (<c>retries</c>, <c>ackTimeout</c>) against our server across transport
/// cuts, with the same checks against Node's socket.io. What the client guarantees (socket.io-client 4.8
/// <c>socket.js</c>, <c>_addToQueue</c>/<c>_drainQueue</c>): one queued event in flight at a time, in order; each
/// acknowledgement callback called once; an event sent again only when its try was cut (or timed out), so the server
/// handler sees it at least once, twice when the first try reached it but its acknowledgement was lost. Events that
/// were not in flight at a cut reach the handler exactly once.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class StockClientRetryTests
{
    private const int Count = 40;
    private static readonly int[] s_cuts = [5, 17, 30];

    [Theory]
    [InlineData("websocket")]
    [InlineData("polling")]
    public async Task Acked_emits_with_retries_are_acknowledged_once_in_order_across_transport_cuts(string transport)
    {
        JsonElement ours;
        await using (var host = await SocketIOHost.StartAsync("json", configure: TolerantHeartbeat.Apply))
        {
            ours = await NodeScript.RunAsync("sio-retries.mjs", host.BaseUrl, transport, Count.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(',', s_cuts));
        }

        JsonElement reference;
        await using (var node = await NodeServer.StartAsync("sio-reference-server.mjs", ["--parser", "json", .. TolerantHeartbeat.NodeArguments]))
        {
            reference = await NodeScript.RunAsync("sio-retries.mjs", node.BaseUrl, transport, Count.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(',', s_cuts));
        }

        var failures = Check(reference);
        Assert.True(failures.Count == 0, "the harness fails against Node's socket.io itself:\n" + string.Join('\n', failures));
        failures = Check(ours);
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n" + ours.GetRawText());
    }

    /// <summary>Every guarantee of the retry queue, checked on one run's observations.</summary>
    private static List<string> Check(JsonElement run)
    {
        var failures = new List<string>();
        if (!run.GetProperty("ok").GetBoolean())
        {
            failures.Add("errors: " + run.GetProperty("errors").GetRawText());
        }

        var order = run.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).ToList();
        if (!order.SequenceEqual(Enumerable.Range(0, Count)))
        {
            failures.Add($"acknowledgement callbacks in the order {string.Join(',', order)}");
        }

        // One connect at the start and one after each cut.
        var connects = run.GetProperty("connects").GetInt32();
        if (connects != s_cuts.Length + 1)
        {
            failures.Add($"{connects} connects for {s_cuts.Length} cuts");
        }

        foreach (var ack in run.GetProperty("acks").EnumerateArray())
        {
            var i = ack.GetProperty("i").GetInt32();
            var calls = ack.GetProperty("calls").GetInt32();
            var error = ack.GetProperty("err");
            var reply = ack.GetProperty("reply");
            var receipts = ack.GetProperty("count");
            var wasCut = s_cuts.Contains(i);
            if (calls != 1 || error.ValueKind != JsonValueKind.Null || reply.ValueKind != JsonValueKind.String || reply.GetString() != "ok")
            {
                failures.Add($"event {i}: callback called {calls} times, err {error.GetRawText()}, reply {reply.GetRawText()}");
            }
            else if (!(receipts.ValueKind == JsonValueKind.Number && receipts.GetInt32() is var n && (n == 1 || (wasCut && n == 2))))
            {
                failures.Add($"event {i}{(wasCut ? " (in flight at a cut)" : "")}: the handler saw it {receipts.GetRawText()} times before acknowledging");
            }
        }

        return failures;
    }
}
