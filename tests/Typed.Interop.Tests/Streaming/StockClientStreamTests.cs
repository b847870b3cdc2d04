namespace Typed.Interop.Tests.Streaming;

/// <summary>
/// A stock socket.io-client consumes the typed hub's streams through the convention of docs/streaming.md, by hand
/// (tests/js/sio-stream.mjs): credit, completion, errors, cancellation, an upload, both transports and parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class StockClientStreamTests
{
    [Theory]
    [MemberData(nameof(TypedStreamTests.Modes), MemberType = typeof(TypedStreamTests))]
    public async Task A_plain_socket_io_client_consumes_a_stream_through_the_documented_convention(string mode, string parser)
    {
        await using var host = await StreamHubHost.StartAsync(parser);
        var result = await NodeScript.RunAsync("sio-stream.mjs", host.BaseUrl, mode, parser);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.GetRawText());
        Assert.Equal(10, result.GetProperty("ticks").GetInt32());
        Assert.Equal(780, result.GetProperty("uploadSum").GetInt32());
    }
}
