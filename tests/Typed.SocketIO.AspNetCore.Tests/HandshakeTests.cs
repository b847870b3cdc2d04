using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;

namespace Typed.SocketIO.AspNetCore.Tests;

[Trait("Category", TestCategories.Protocol)]
public sealed class HandshakeTests
{
    [Fact]
    public async Task Polling_handshake_returns_only_the_open_packet_with_exactly_five_keys_in_order()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using var response = await server.Http.GetAsync(server.Url("EIO=4&transport=polling"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("0{", body);
        using var json = JsonDocument.Parse(body.AsMemory(1));
        var keys = json.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(["sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload"], keys);
        Assert.Equal(20, json.RootElement.GetProperty("sid").GetString()!.Length);
        Assert.Equal(["websocket"], json.RootElement.GetProperty("upgrades").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(300, json.RootElement.GetProperty("pingInterval").GetInt32());
        Assert.Equal(2000, json.RootElement.GetProperty("pingTimeout").GetInt32()); // the test server's options
        Assert.Equal(1_000_000, json.RootElement.GetProperty("maxPayload").GetInt32());
    }

    [Fact]
    public async Task Polling_handshake_sets_text_plain_and_no_store()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using var response = await server.Http.GetAsync(server.Url("EIO=4&transport=polling"));

        Assert.Equal("text/plain; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal(115, response.Content.Headers.ContentLength); // "0" + the JSON of the test server's options
    }

    [Fact]
    public async Task WebSocket_handshake_sends_the_open_packet_as_first_frame_with_no_upgrades()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");

        var open = await socket.ReceiveTextAsync();

        Assert.StartsWith("0{", open);
        using var json = JsonDocument.Parse(open.AsMemory(1));
        Assert.Empty(json.RootElement.GetProperty("upgrades").EnumerateArray());
        Assert.Equal(5, json.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task Upgrades_are_not_advertised_when_disabled()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.AllowUpgrades = false);
        var body = await server.Http.GetStringAsync(server.Url("EIO=4&transport=polling"));

        Assert.Contains("\"upgrades\":[]", body);
    }

    [Fact]
    public async Task Each_handshake_gets_a_distinct_sid()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        var sids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            sids.Add(await server.HandshakeAsync());
        }

        Assert.Equal(20, sids.Count);
    }

    [Fact]
    public async Task Cookie_option_sets_the_io_cookie_with_the_sid()
    {
        await using var server = await EngineIOTestServer.StartAsync(o => o.Cookie = new EngineIO.EngineIOCookieOptions());
        using var response = await server.Http.GetAsync(server.Url("EIO=4&transport=polling"));
        var body = await response.Content.ReadAsStringAsync();
        var sid = JsonDocument.Parse(body.AsMemory(1)).RootElement.GetProperty("sid").GetString();

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"io={sid}; path=/;", cookie);
        Assert.Contains("samesite=lax", cookie);
        Assert.Contains("httponly", cookie);
    }

    [Fact]
    public async Task No_cookie_is_set_by_default()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        using var response = await server.Http.GetAsync(server.Url("EIO=4&transport=polling"));

        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Path_without_trailing_slash_is_served_too()
    {
        await using var server = await EngineIOTestServer.StartAsync();
        var body = await server.Http.GetStringAsync(new Uri(server.BaseUri, "engine.io?EIO=4&transport=polling"));

        Assert.StartsWith("0{\"sid\":", body);
    }

    [Fact]
    public async Task WebSocket_session_exchanges_text_and_binary_frames()
    {
        // A long ping interval keeps heartbeat frames out from between the echoes.
        await using var server = await EngineIOTestServer.StartAsync(o => o.PingInterval = TimeSpan.FromSeconds(10));
        using var socket = await server.ConnectWebSocketAsync("EIO=4&transport=websocket");
        await socket.ReceiveTextAsync();

        await socket.SendTextAsync("4hello");
        Assert.Equal("4hello", await socket.ReceiveTextSkippingPingsAsync());
        await socket.SendBinaryAsync([1, 2, 3, 4]);
        var (type, data) = await socket.ReceiveMessageAsync();
        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal([1, 2, 3, 4], data);
    }
}
