using Typed;
using Typed.Interop.Tests.Client;
using Typed.SocketIO.Contracts;

namespace Typed.Interop.Tests.Streaming;

/// <summary>
/// The typed .NET client against Node's stock socket.io server, whose handlers follow the convention of
/// docs/streaming.md by hand (sio-reference-server.mjs): it consumes <c>count-stream</c> (the server produces) and
/// uploads to <c>sum-upload</c> (the server receives, granting 4 credits and one per item), over both transports with
/// both parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class StockServerStreamTests
{
    [Theory]
    [MemberData(nameof(TypedStreamTests.Modes), MemberType = typeof(TypedStreamTests))]
    public async Task The_client_consumes_a_stream_from_and_uploads_to_a_stock_socket_io_server(string mode, string parser)
    {
        await using var peer = await PeerServer.StartAsync("node", parser);
        await using var client = ClientKit.Create(peer.Uri, mode, parser, o => o.UseJson(StockStreamJson.Default));
        var socket = client.Of("/", o => o.StreamWindow = 8);
        await ClientKit.ConnectAsync(socket, mode);
        var server = socket.CreateProxy<IStockStreamServer>();
        using var timeout = new CancellationTokenSource(ClientKit.Wait);

        // Server → client: the server sends min(count, credit) items, so the window of 8 bounds what comes.
        var items = new List<int>();
        await foreach (var n in server.CountStream(5, timeout.Token))
        {
            items.Add(n);
        }

        Assert.Equal([0, 1, 2, 3, 4], items);

        // Client → server: more items than the server's initial credit of 4, pulled only as it grants more.
        var counter = new UploadCounter();
        Assert.Equal(Enumerable.Range(1, 20).Sum(), await server.SumUpload(counter.Items(20), timeout.Token));
        Assert.Equal(20, counter.Produced);
        await ClientKit.AssertTransportAsync(client, mode);
    }

    private sealed class UploadCounter
    {
        public int Produced;

        public async IAsyncEnumerable<StockItem> Items(int count)
        {
            for (var i = 1; i <= count; i++)
            {
                await Task.Yield();
                Produced++;
                yield return new StockItem(i);
            }
        }
    }
}

/// <summary>The stream handlers of the interop application (tests/js/README.md).</summary>
[SocketContract(JsonContext = typeof(StockStreamJson))]
public interface IStockStreamServer
{
    [SocketEvent("count-stream")]
    IAsyncEnumerable<int> CountStream(int count, CancellationToken cancellationToken = default);

    [SocketEvent("sum-upload")]
    Task<int> SumUpload(IAsyncEnumerable<StockItem> items, CancellationToken cancellationToken = default);
}

/// <summary>One uploaded item: <c>{"number":n}</c>.</summary>
public sealed record StockItem(int Number);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(StockItem))]
public sealed partial class StockStreamJson : System.Text.Json.Serialization.JsonSerializerContext;
