using Microsoft.Extensions.DependencyInjection;

namespace Typed.Interop.Tests.Typed;

/// <summary>
/// The stock JS socket.io-client and a typed hub whose records hold binary and dates (tests/js/sio-typed-binary.mjs):
/// <c>{ name, data: Buffer }</c> binds to a record with a <c>byte[]</c>; a record's <c>byte[]</c>, <c>List&lt;byte[]&gt;</c>
/// and <c>ReadOnlyMemory&lt;byte&gt;</c> reach JavaScript as Buffers, in an event and in an ack; a date crosses in
/// <c>Date.toJSON()</c>'s form both ways. Both parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class TypedBinaryInteropTests
{
    public static TheoryData<string, string> Modes() => new()
    {
        { "websocket", "json" }, { "polling", "json" },
        { "websocket", "msgpack" }, { "polling", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Binary_inside_records_and_dates_cross_to_and_from_socket_io_client(string mode, string parser)
    {
        await using var host = await FileHubHost.StartAsync(parser);

        var result = await NodeScript.RunAsync("sio-typed-binary.mjs", host.BaseUrl, mode, parser);

        Assert.True(result.GetProperty("ok").GetBoolean(), result.GetRawText());
        var log = host.Services.GetRequiredService<HubLog>().Entries.ToArray();
        Assert.Contains("store a.bin 0102FF", log);

        // The JS Date 2026-11-27T10:00:40.517Z bound to the exact instant, whichever way the parser carried it.
        Assert.Contains("stamp s 2026-11-27T10:00:40.5170000+00:00", log);
    }
}
