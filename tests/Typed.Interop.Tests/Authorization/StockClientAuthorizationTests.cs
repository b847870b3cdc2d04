namespace Typed.Interop.Tests.Authorization;

/// <summary>
/// The official socket.io-client (Node, tests/js/sio-auth.mjs) against the authorization hubs: the refused namespace's
/// <c>connect_error</c> carries the server's message while the Engine.IO connection stays open for another namespace,
/// and a refused hub method answers with the <c>unauthorized</c> error acknowledgement.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class StockClientAuthorizationTests
{
    [Theory]
    [InlineData("json", "polling")]
    [InlineData("msgpack", "websocket")]
    public async Task Stock_client_sees_the_connect_error_message_and_the_unauthorized_ack(string parser, string transport)
    {
        await using var host = await AuthTestHost.StartAsync(parser);
        var run = await NodeScript.RunAsync("sio-auth.mjs", host.BaseUrl, parser, transport);
        Assert.True(run.GetProperty("ok").GetBoolean(), run.ToString());

        var refused = run.GetProperty("refused");
        Assert.False(refused.GetProperty("connected").GetBoolean());
        Assert.Equal("Unauthorized: namespace '/secure' requires an authenticated user.", refused.GetProperty("message").GetString());
        Assert.False(refused.GetProperty("active").GetBoolean(), "a middleware refusal is final: the client does not retry");
        Assert.True(run.GetProperty("sameConnection").GetBoolean());

        var error = run.GetProperty("anonymousAck").GetProperty("$error");
        Assert.Equal("unauthorized", error.GetProperty("code").GetString());
        Assert.Equal("Not authorized to send 'adminOnly'.", error.GetProperty("message").GetString());
        Assert.Equal("admin", run.GetProperty("adminAck").GetString());
    }
}
