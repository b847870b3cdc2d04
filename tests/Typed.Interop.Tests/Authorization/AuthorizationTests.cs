using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.Interop.Tests.Rpc;
using Typed.Interop.Tests.Client;
using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Authorization;

/// <summary>
/// [Authorize]/[AllowAnonymous] on hubs and hub methods, RequireAuthorization on an untyped namespace, and
/// Clients.User, against a real authentication scheme (<see cref="TokenAuthenticationHandler"/>) over real HTTP and
/// WebSocket, with the typed .NET client: every transport mode, both parsers.
/// </summary>
[Trait("Category", TestCategories.Interop)]
public sealed class AuthorizationTests
{
    public static TheoryData<string, string> Modes()
    {
        var data = new TheoryData<string, string>();
        foreach (var mode in new[] { "polling", "websocket", "upgrade" })
        {
            foreach (var parser in new[] { "json", "msgpack" })
            {
                data.Add(mode, parser);
            }
        }

        return data;
    }

    internal static SocketIOClient Client(KestrelTestHost host, string mode, string parser, string? token) =>
        ClientKit.Create(host.BaseUri, mode, parser, o =>
        {
            o.Reconnection = false;
            if (token is not null)
            {
                o.Query["token"] = token;
            }
        });

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Anonymous_user_is_refused_the_authorized_hub_but_keeps_its_connection_for_another_namespace(string mode, string parser)
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await AuthTestHost.StartAsync(parser, logs: logs);
        await using var client = Client(host, mode, parser, token: null);
        var open = client.Of("/open");
        await ClientKit.ConnectAsync(open, mode);

        var refused = await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/secure").ConnectAsync().WaitAsync(ClientKit.Wait));
        Assert.True(refused.IsRejectedByServer);
        Assert.Equal("Unauthorized: namespace '/secure' requires an authenticated user.", refused.Message);

        // The Engine.IO connection is still up: the other namespace answers on it.
        Assert.Equal("anonymous", await open.CreateProxy<ISecureServer>().WhoAmI());
        Assert.DoesNotContain(host.Services.GetRequiredService<AuthLog>().Entries, e => e.StartsWith("secure connected", StringComparison.Ordinal));
        var logged = Assert.Single(logs.Entries, e => e.EventId.Id == 140);
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Contains("/secure", logged.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Authenticated_user_connects_to_the_authorized_hub(string mode, string parser)
    {
        await using var host = await AuthTestHost.StartAsync(parser);
        await using var client = Client(host, mode, parser, "alice");
        var secure = client.Of("/secure");
        await ClientKit.ConnectAsync(secure, mode);

        Assert.Equal("alice", await secure.CreateProxy<ISecureServer>().WhoAmI());
        Assert.Contains("secure connected alice", host.Services.GetRequiredService<AuthLog>().Entries);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Method_roles_and_policies_refuse_the_event_with_an_unauthorized_ack_and_do_not_run_it(string mode, string parser)
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await AuthTestHost.StartAsync(parser, logs: logs);
        var log = host.Services.GetRequiredService<AuthLog>();

        // alice is an admin without the gold tier; bob has the gold tier and no role; nobody is anonymous.
        await using var alice = Client(host, mode, parser, "alice:admin:silver");
        await using var bob = Client(host, mode, parser, "bob::gold");
        await using var nobody = Client(host, mode, parser, token: null);
        var aliceHub = await ConnectAsync(alice, mode);
        var bobHub = await ConnectAsync(bob, mode);
        var nobodyHub = await ConnectAsync(nobody, mode);

        Assert.Equal("admin", await aliceHub.AdminOnly());
        Assert.Equal("gold", await bobHub.GoldOnly());
        await AssertUnauthorizedAsync("goldOnly", aliceHub.GoldOnly);
        await AssertUnauthorizedAsync("adminOnly", bobHub.AdminOnly);
        await AssertUnauthorizedAsync("adminOnly", nobodyHub.AdminOnly);
        await AssertUnauthorizedAsync("goldOnly", nobodyHub.GoldOnly);

        // [AllowAnonymous] beats [Authorize] on the same method; a method without attributes is open to everyone.
        Assert.Equal("open", await nobodyHub.Open());
        Assert.Equal("anonymous", await nobodyHub.WhoAmI());

        // Only the allowed calls ran.
        Assert.Equal(1, log.Count("adminOnly ran"));
        Assert.Equal(1, log.Count("goldOnly ran"));

        // Each refusal was logged (before its acknowledgement was sent), naming the event.
        var refusals = logs.Entries.Where(e => e.EventId.Id == 141).Select(e => e.Message).ToList();
        Assert.Equal(4, refusals.Count);
        Assert.Equal(2, refusals.Count(m => m.Contains("event adminOnly", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task User_rooms_are_reserved_and_hold_the_sockets_of_their_user()
    {
        var rooms = new TaskCompletionSource<(IReadOnlyCollection<string> Rooms, Exception? JoinError)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await AuthTestHost.StartAsync("json");
        host.Services.GetRequiredService<SocketIOServer>().Of("/rooms").OnConnection(socket =>
        {
            Exception? error = null;
            try
            {
                socket.Join(SocketIOUserRooms.Prefix + "mallory");
            }
            catch (ArgumentException ex)
            {
                error = ex;
            }

            rooms.TrySetResult((socket.Rooms, error));
        });
        await using var client = Client(host, "websocket", "json", "erin");
        await ClientKit.ConnectAsync(client.Of("/rooms"), "websocket");

        var (joined, joinError) = await rooms.Task.WaitAsync(ClientKit.Wait);
        Assert.Contains("$typed:user:erin", joined);
        Assert.DoesNotContain(joined, r => r.Contains("mallory", StringComparison.Ordinal));
        Assert.NotNull(joinError);
    }

    [Theory]
    [InlineData("polling", "json")]
    [InlineData("websocket", "msgpack")]
    public async Task RequireAuthorization_on_an_untyped_namespace_checks_its_policy_at_connect(string mode, string parser)
    {
        await using var host = await AuthTestHost.StartAsync(parser);
        await using var anonymous = Client(host, mode, parser, token: null);
        await using var silver = Client(host, mode, parser, "carol::silver");
        await using var gold = Client(host, mode, parser, "dave::gold");

        var unauthenticated = await Assert.ThrowsAsync<SocketIOConnectException>(() => anonymous.Of("/vault").ConnectAsync().WaitAsync(ClientKit.Wait));
        Assert.Equal("Unauthorized: namespace '/vault' requires an authenticated user.", unauthenticated.Message);
        var forbidden = await Assert.ThrowsAsync<SocketIOConnectException>(() => silver.Of("/vault").ConnectAsync().WaitAsync(ClientKit.Wait));
        Assert.Equal("Forbidden: the user may not connect to namespace '/vault'.", forbidden.Message);

        var vault = gold.Of("/vault");
        await ClientKit.ConnectAsync(vault, mode);
        var answer = await vault.EmitWithAckAsync("secret", []).WaitAsync(ClientKit.Wait);
        Assert.Equal("treasure", answer.GetJsonElement(0).GetString());
    }

    [Theory]
    [InlineData("websocket", "json")]
    [InlineData("polling", "msgpack")]
    public async Task Clients_User_reaches_every_socket_of_that_user_and_no_other(string mode, string parser)
    {
        await using var host = await AuthTestHost.StartAsync(parser);
        await using var alice1 = Client(host, mode, parser, "alice");
        await using var alice2 = Client(host, mode, parser, "alice");
        await using var bob = Client(host, mode, parser, "bob");
        var received1 = new Receiver();
        var received2 = new Receiver();
        var receivedBob = new Receiver();
        var alice1Hub = await ConnectAsync(alice1, mode, received1);
        await ConnectAsync(alice2, mode, received2);
        var bobHub = await ConnectAsync(bob, mode, receivedBob);

        // Through a hub (Clients.User), then through the server (io.ToUser on the namespace).
        await bobHub.NotifyUser("alice", "hi alice");
        Assert.Equal("hi alice", await received1.Next.Task.WaitAsync(ClientKit.Wait));
        Assert.Equal("hi alice", await received2.Next.Task.WaitAsync(ClientKit.Wait));
        received1.Reset();

        host.Services.GetRequiredService<SocketIOServer>().Of("/open").ToUser("bob").Emit("notify", "hi bob");
        await alice1Hub.NotifyUser("alice", "marker");
        Assert.Equal("hi bob", await receivedBob.Next.Task.WaitAsync(ClientKit.Wait));

        // alice1 got the marker sent after bob's message, and nothing before it: bob's message never reached her.
        Assert.Equal("marker", await received1.Next.Task.WaitAsync(ClientKit.Wait));
        Assert.Equal(["hi bob"], receivedBob.All);
        Assert.Equal(["hi alice", "marker"], received1.All);
    }

    [Fact]
    public async Task A_hub_with_attributes_fails_at_start_up_without_the_authorization_services()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => KestrelTestHost.StartAsync(
            builder => builder.Services.AddSocketIO(),
            app =>
            {
                app.MapSocketIO();
                app.MapSocketHub<SecureHub>("/secure");
            }));
        Assert.Contains("AddAuthorization()", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<ISecureServer> ConnectAsync(SocketIOClient client, string mode, Receiver? receiver = null)
    {
        var socket = client.Of("/open");
        socket.Register<ISecureClient>(receiver ?? new Receiver());
        await ClientKit.ConnectAsync(socket, mode);
        return socket.CreateProxy<ISecureServer>();
    }

    private static async Task AssertUnauthorizedAsync(string eventName, Func<Task<string>> call)
    {
        var refused = await Assert.ThrowsAsync<SocketInvocationException>(call);
        Assert.Equal(SocketIOErrorCodes.Unauthorized, refused.Error.Code);
        Assert.Equal($"Not authorized to send '{eventName}'.", refused.Error.Message);
    }

    internal sealed class Receiver : ISecureClient
    {
        private readonly object _gate = new();

        public List<string> All { get; } = [];

        public TaskCompletionSource<string> Next { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reset()
        {
            lock (_gate)
            {
                Next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        public Task Notify(string text)
        {
            lock (_gate)
            {
                All.Add(text);
                Next.TrySetResult(text);
            }

            return Task.CompletedTask;
        }
    }
}
