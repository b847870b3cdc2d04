using Xunit.Abstractions;

namespace Typed.Browser.Tests;

/// <summary>
/// The chat sample end to end in Debian's Chromium (playwright-core, tests/js/browser-chat.mjs): the page uses the
/// official socket.io-client bundle the server serves, against the typed hub. Screenshots: artifacts/browser/.
/// </summary>
[Trait("Category", TestCategories.Browser)]
public sealed class BrowserChatTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_pages_chat_with_typing_indicator_acks_and_history_for_a_late_joiner()
    {
        await using var host = await ChatHost.StartAsync();

        var result = await Browser.RunAsync(output, host.BaseUrl, "two-pages");

        Assert.Equal(["alice: hello bob", "bob: hello alice"], result.GetProperty("carolHistory").EnumerateArray().Select(e => e.GetString()));
        Assert.All(result.GetProperty("acks").EnumerateArray(), ack => Assert.StartsWith("m", ack.GetProperty("id").GetString()));
        Assert.Contains("a room name may contain only", result.GetProperty("badRoomError").GetString());
        Assert.Contains("a nickname is required", result.GetProperty("badNicknameError").GetString());
    }

    [Fact]
    public async Task A_page_and_the_dotnet_console_client_chat_with_each_other()
    {
        await using var host = await ChatHost.StartAsync();
        var room = "mixed-" + Guid.NewGuid().ToString("N")[..8];
        var page = Browser.RunAsync(output, host.BaseUrl, "dotnet-peer", room);

        // The page is in the room before the .NET client speaks, so both messages travel live.
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!host.Rooms().Members(room).Contains("webby"))
        {
            if (page.IsCompleted)
            {
                await page;   // it failed before joining: report why
            }

            await Task.Delay(100, wait.Token);
        }

        var (exitCode, client, command) = await ChatClientProcess.RunAsync(
            host.BaseUrl, "dotnet", room, "--say", "hello from dotnet", "--expect", "hello from the browser", "--timeout", "30");
        output.WriteLine(command);
        output.WriteLine(client.GetRawText());
        Assert.True(exitCode == 0, client.GetRawText());
        Assert.Equal("webby", client.GetProperty("received").GetProperty("from").GetString());
        Assert.Contains("webby", client.GetProperty("members").EnumerateArray().Select(e => e.GetString()));

        var result = await page;
        Assert.Equal(["dotnet: hello from dotnet", "webby: hello from the browser"], result.GetProperty("messages").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_page_starts_on_polling_and_is_upgraded_to_websocket()
    {
        await using var host = await ChatHost.StartAsync();

        var result = await Browser.RunAsync(output, host.BaseUrl, "upgrade");

        Assert.Equal(["polling", "websocket"], result.GetProperty("transports").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("websocket", result.GetProperty("transport").GetString());
    }

    [Fact]
    public async Task A_page_limited_to_polling_still_chats()
    {
        await using var host = await ChatHost.StartAsync();

        var result = await Browser.RunAsync(output, host.BaseUrl, "polling-only");

        Assert.Equal(["polling"], result.GetProperty("transports").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, result.GetProperty("acks").GetArrayLength());
    }
}
