using Microsoft.Extensions.DependencyInjection;
using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Authorization;

/// <summary>
/// Hub filters (<see cref="ISocketHubFilter"/>): global ones run before the hub's own, around connect and each event,
/// after the method's authorization; a filter can short-circuit an event or fail it into an error acknowledgement.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class HubFilterTests
{
    [Theory]
    [InlineData("polling", "json")]
    [InlineData("websocket", "msgpack")]
    [InlineData("upgrade", "json")]
    public async Task Global_then_hub_filters_run_in_order_around_connect_and_events(string mode, string parser)
    {
        await using var session = await ConnectAsync(mode, parser, "alice:admin");
        var (log, socket) = (session.Log, session.Socket);
        var hub = socket.CreateProxy<ISecureServer>();

        Assert.Equal("admin", await hub.AdminOnly());
        Assert.Equal(
            ["global connected alice", "gate connected alice", "global before adminOnly", "gate before adminOnly", "adminOnly ran", "gate after adminOnly", "global after adminOnly"],
            log.Entries);
    }

    [Theory]
    [InlineData("websocket", "json")]
    [InlineData("polling", "msgpack")]
    public async Task A_refused_event_never_reaches_the_filters(string mode, string parser)
    {
        await using var session = await ConnectAsync(mode, parser, "bob");
        var (log, socket) = (session.Log, session.Socket);

        var refused = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.CreateProxy<ISecureServer>().AdminOnly());
        Assert.Equal(SocketIOErrorCodes.Unauthorized, refused.Error.Code);
        Assert.DoesNotContain(log.Entries, e => e.Contains("adminOnly", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("websocket", "json")]
    [InlineData("polling", "msgpack")]
    public async Task A_filter_short_circuits_with_its_own_error_ack_and_the_method_does_not_run(string mode, string parser)
    {
        await using var session = await ConnectAsync(mode, parser, "limited:admin");
        var (log, socket) = (session.Log, session.Socket);

        var limited = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.CreateProxy<ISecureServer>().AdminOnly());
        Assert.Equal("rate_limited", limited.Error.Code);
        Assert.Equal("Slow down.", limited.Error.Message);
        Assert.Equal(
            ["global connected limited", "gate connected limited", "global before adminOnly", "gate before adminOnly", "global after adminOnly"],
            log.Entries);
    }

    [Theory]
    [InlineData("websocket", "json")]
    [InlineData("polling", "msgpack")]
    public async Task A_filter_exception_becomes_the_error_ack(string mode, string parser)
    {
        await using var session = await ConnectAsync(mode, parser, "thrower:admin");
        var (log, socket) = (session.Log, session.Socket);

        var failed = await Assert.ThrowsAsync<SocketInvocationException>(() => socket.CreateProxy<ISecureServer>().AdminOnly());
        Assert.Equal(SocketIOErrorCodes.HandlerError, failed.Error.Code);
        Assert.Equal(0, log.Count("adminOnly ran"));

        // The socket still works.
        Assert.Equal("thrower", await socket.CreateProxy<ISecureServer>().WhoAmI());
    }

    /// <summary>A server with both filters and one client of <paramref name="user"/> connected to the open hub.</summary>
    private static async Task<FilterSession> ConnectAsync(string mode, string parser, string user)
    {
        var host = await AuthTestHost.StartAsync(
            parser,
            openHubFilters: o => o.AddFilter<GateRecordingFilter>(),
            globalFilters: o => o.AddFilter<GlobalRecordingFilter>());
        var client = AuthorizationTests.Client(host, mode, parser, user);
        var socket = client.Of("/open");
        await ClientKit.ConnectAsync(socket, mode);
        return new FilterSession(host, client, socket, host.Services.GetRequiredService<AuthLog>());
    }

    private sealed record FilterSession(KestrelTestHost Host, SocketIOClient Client, SocketIOClientSocket Socket, AuthLog Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Host.DisposeAsync();
        }
    }

    /// <summary>A filter that records under <paramref name="name"/>; the two named subclasses give DI two types.</summary>
    private abstract class NamedRecordingFilter(AuthLog log, string name) : ISocketHubFilter
    {
        private readonly RecordingFilter _inner = new(log, name);

        public ValueTask InvokeMethodAsync(SocketHubInvocationContext context, Func<SocketHubInvocationContext, ValueTask> next) => _inner.InvokeMethodAsync(context, next);

        public Task OnConnectedAsync(SocketHubLifetimeContext context, Func<SocketHubLifetimeContext, Task> next) => _inner.OnConnectedAsync(context, next);
    }

    /// <summary>A filter from DI's constructor injection (AddFilter&lt;T&gt;), named "global".</summary>
    private sealed class GlobalRecordingFilter(AuthLog log) : NamedRecordingFilter(log, "global");

    /// <summary>The open hub's own filter, named "gate".</summary>
    private sealed class GateRecordingFilter(AuthLog log) : NamedRecordingFilter(log, "gate");
}
