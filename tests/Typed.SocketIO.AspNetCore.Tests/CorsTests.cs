using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>CORS comes from ASP.NET Core's CORS middleware; the Origin allow-list is the server's own check.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class CorsTests
{
    private static Task<EngineIOTestServer> StartWithCorsAsync() => EngineIOTestServer.StartAsync(
        o => o.AllowAnyOrigin = true,
        app => app.UseCors(),
        b => b.Services.AddCors(c => c.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod())));

    [Fact]
    public async Task Cors_headers_are_on_handshake_poll_and_error_responses()
    {
        await using var server = await StartWithCorsAsync();
        var sid = await server.HandshakeAsync();

        foreach (var query in new[] { "EIO=4&transport=polling", "EIO=3&transport=polling", "EIO=4&transport=polling&sid=unknown" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, server.Url(query));
            request.Headers.Add("Origin", "https://elsewhere.example");
            using var response = await server.Http.SendAsync(request);
            Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        }

        using var close = await server.PostAsync(sid, "1");
    }

    [Fact]
    public async Task Preflight_is_answered_204_by_the_cors_middleware()
    {
        await using var server = await StartWithCorsAsync();
        using var request = new HttpRequestMessage(HttpMethod.Options, server.Url("EIO=4&transport=polling"));
        request.Headers.Add("Origin", "https://elsewhere.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-custom");

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Fact]
    public async Task Upgrade_from_a_disallowed_origin_is_refused_before_the_101()
    {
        // No heartbeat in the way: the session is never polled, so with the 500 ms default deadline a slow machine
        // would find it gone (400) before the upgrade, which is not what this test is about.
        await using var server = await EngineIOTestServer.StartAsync(o =>
        {
            o.PingInterval = TimeSpan.FromMinutes(1);
            o.PingTimeout = TimeSpan.FromMinutes(1);
            o.AllowedOrigins.Add("https://good.example");
        });
        var sid = await server.HandshakeAsync();

        var refused = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() =>
            server.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}", o => o.SetRequestHeader("Origin", "https://evil.example")));
        Assert.Contains("403", refused.Message);

        using var allowed = await server.ConnectWebSocketAsync($"EIO=4&transport=websocket&sid={sid}", o => o.SetRequestHeader("Origin", "https://good.example"));
        await allowed.SendTextAsync("2probe");
        Assert.Equal("3probe", await allowed.ReceiveTextAsync());
    }
}
