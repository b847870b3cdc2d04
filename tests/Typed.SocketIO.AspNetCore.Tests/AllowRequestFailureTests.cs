using System.Net;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.EngineIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>BAD-INPUTS A7: a failing request hook refuses the request without leaking its exception.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class AllowRequestFailureTests
{
    [Fact]
    public async Task Throwing_allow_request_hook_gives_400_code_3_without_exception_details()
    {
        await using var server = await EngineIOTestServer.StartAsync(
            o => o.AllowRequest = ctx => ctx.Request.Query.ContainsKey("boom")
                ? throw new InvalidOperationException("secret connection string")
                : AllowRequestResult.Allow());
        var logs = server.Logs;

        using var response = await server.Http.GetAsync(server.Url("EIO=4&transport=polling&boom=1"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"code\":3,\"message\":\"Bad request\"}", body);
        Assert.DoesNotContain("secret", body);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.EventId.Id == 8);
        await server.AssertServesFreshClientAsync();
    }
}
