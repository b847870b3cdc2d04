using System.Text.Json;

namespace Typed.Interop.Tests.Client;

/// <summary>
/// The NativeAOT smoke client (tests/Typed.AotSmoke), published by ./test.sh with <c>-p:PublishAot=true</c> and zero
/// trim/AOT warnings, run as a native binary against Node's socket.io and ours: it connects, emits with an
/// acknowledgement, receives an event, consumes a stream, uploads one and exits 0.
/// </summary>
[Trait("Category", TestCategories.Aot)]
public sealed class AotSmokeClientTests
{
    [Theory]
    [InlineData("node", "json")]
    [InlineData("node", "msgpack")]
    [InlineData("typed", "json")]
    [InlineData("typed", "msgpack")]
    public async Task The_native_client_connects_emits_with_an_ack_receives_an_event_streams_both_ways_and_exits_0(string server, string parser)
    {
        // PeerServer's 20 s pong deadline matters most here: the client runs with reconnection off, so with the interop
        // application's 200 ms one pong late on a loaded machine closed the session, and the client then waited out
        // its 20 s budget for an ack or event that could no longer come (the CI timeout).
        await using var peer = await PeerServer.StartAsync(server, parser);

        var (exitCode, stdout, stderr, _) = await ChildProcess.RunAsync(await PublishedBinaryAsync(), [peer.Uri.ToString(), parser], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        using var result = JsonDocument.Parse(stdout);
        Assert.True(result.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("""{"text":"ping","number":42}""", result.RootElement.GetProperty("ack").GetRawText());
        Assert.Equal("""{"text":"echo","number":7}""", result.RootElement.GetProperty("event").GetRawText());
        Assert.Equal("[0,1,2]", result.RootElement.GetProperty("stream").GetRawText());
        Assert.Equal(15, result.RootElement.GetProperty("upload").GetInt32());
    }

    /// <summary>
    /// The binary ./test.sh published to artifacts/aot-smoke. When the tests run on their own, it is published here
    /// first (a minute or so), so the test never passes without having run the native code.
    /// </summary>
    private static async Task<string> PublishedBinaryAsync()
    {
        var root = Path.GetFullPath(Path.Combine(NodeScript.ScriptsFolder, "..", ".."));
        var binary = Path.Combine(root, "artifacts", "aot-smoke", "Typed.AotSmoke");
        if (!File.Exists(binary))
        {
            var (exitCode, stdout, stderr, _) = await ChildProcess.RunAsync("dotnet",
                ["publish", Path.Combine(root, "tests", "Typed.AotSmoke"), "-c", "Release", "-p:PublishAot=true", "-o", Path.GetDirectoryName(binary)!, "--nologo"],
                TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"publishing the smoke client failed: {stdout}{stderr}");
        }

        return binary;
    }
}
