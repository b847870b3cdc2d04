using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    /// <summary>
    /// The cause of a two-pages flake under load: a refused page sends a GET and then its close packet, and a server
    /// that read the close first answered the GET 400 (a console error in Chromium). The server holds every poll
    /// 300 ms here, so the close is always read first; the GET must get a noop (SPEC A9), and no page logs an error.
    /// </summary>
    [Fact]
    public async Task A_refused_page_whose_last_poll_reaches_the_server_after_its_close_gets_a_noop()
    {
        await using var host = await ChatHost.StartAsync(app => app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) && context.Request.Query.ContainsKey("sid") && !context.WebSockets.IsWebSocketRequest)
            {
                await Task.Delay(300);
            }

            await next(context);
        }));

        var result = await Browser.RunAsync(output, host.BaseUrl, "refused-late-poll");

        var polls = result.GetProperty("polls").EnumerateArray()
            .Select(p => (Method: p.GetProperty("method").GetString(), Sent: p.GetProperty("sent").GetString(), Status: p.GetProperty("status").GetInt32(), Body: p.GetProperty("body").GetString()))
            .ToList();
        var close = polls.FindIndex(p => p is { Method: "POST", Sent: "1" });
        Assert.True(close > 0, "the page posted no close packet after a poll");
        Assert.Equal((200, "ok"), (polls[close].Status, polls[close].Body));
        var lastGet = polls.FindLastIndex(close, p => p.Method == "GET");
        Assert.True(lastGet >= 0, "no GET was sent before the close packet");
        Assert.Equal((200, "6"), (polls[lastGet].Status, polls[lastGet].Body));
        Assert.All(polls, p => Assert.Equal(200, p.Status));
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
