
namespace Typed.Browser.Tests;

/// <summary>
/// The chat sample without a browser: the socket.io-client bundle it serves is the pinned npm file (Interop: it reads
/// tests/js/node_modules).
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class ChatSampleTests
{
    [Fact]
    public async Task The_page_and_the_committed_socket_io_client_bundle_are_served_and_the_bundle_is_the_pinned_npm_file()
    {
        await using var host = await ChatHost.StartAsync();
        using var http = host.CreateHttpClient();

        var page = await http.GetStringAsync("/");
        Assert.Contains("<script src=\"lib/socket.io.min.js\"></script>", page);
        var served = await http.GetByteArrayAsync("/lib/socket.io.min.js");

        // The committed copy is byte for byte the file of the socket.io-client version tests/js pins.
        var npm = await File.ReadAllBytesAsync(Path.Combine(NodeScript.ScriptsFolder, "node_modules", "socket.io-client", "dist", "socket.io.min.js"));
        var committed = await File.ReadAllBytesAsync(Path.Combine(Browser.RepositoryRoot, "samples", "Chat", "Chat.Server", "wwwroot", "lib", "socket.io.min.js"));
        Assert.Equal(npm, committed);
        Assert.Equal(npm, served);
    }
}
