using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Typed;

/// <summary>
/// The stock JS socket.io-client against a typed hub: its events and acks land on the hub's typed methods, typed
/// broadcasts reach the right clients, and server → client typed emits with acks round-trip — every transport mode,
/// both parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class TypedHubInteropTests
{
    public static TheoryData<string, string> Modes() => new()
    {
        { "polling", "json" }, { "websocket", "json" }, { "upgrade", "json" },
        { "polling", "msgpack" }, { "websocket", "msgpack" }, { "upgrade", "msgpack" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Stock_client_events_and_acks_land_on_the_typed_hub(string mode, string parser)
    {
        await using var host = await TypedHubHost.StartAsync(parser);
        var result = await NodeScript.RunAsync("sio-typed.mjs", host.BaseUrl, mode, parser);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.GetRawText());

        var log = host.Services.GetRequiredService<HubLog>().Entries.ToArray();
        Assert.Equal(3, log.Count(e => e == "connected"));
        Assert.Contains("sendMessage r1 hello", log);
        Assert.Contains("askClient True 3", log);
        Assert.Contains("shout C hey", log);
    }

    [Fact]
    public async Task Hub_context_broadcasts_from_outside_the_hub()
    {
        await using var host = await TypedHubHost.StartAsync("json");
        var context = host.Services.GetRequiredService<ISocketHubContext<ChatHub, IChatClient>>();
        Assert.Equal("/chat", context.Namespace.Name);

        // Nobody is connected: an emit reaches no one, acks complete with none, a missing socket fails the ack.
        await context.Clients.All.MessageReceived(new ChatMessage("server", "hi"));
        Assert.Empty(await context.Clients.All.Confirm("anyone?"));
        await Assert.ThrowsAsync<SocketIODisconnectedException>(() => context.Clients.Socket("nope").Confirm("there?"));
    }
}
