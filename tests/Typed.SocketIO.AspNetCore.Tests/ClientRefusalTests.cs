using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO.Client;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// The .NET client against a real Kestrel whose authentication middleware refuses the Engine.IO handshake with HTTP
/// 401 or 403 unless the request carries <c>Authorization: Bearer good</c>: the refusal surfaces as a refusal
/// (<see cref="SocketIOConnectException.IsRejectedByServer"/>, the status, the body on polling) and is not retried
/// with the same credentials, while a headers provider that rotates its token gets one more attempt and recovers.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class ClientRefusalTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(401, EngineIOTransports.Polling)]
    [InlineData(403, EngineIOTransports.Polling)]
    [InlineData(401, EngineIOTransports.WebSocket)]
    [InlineData(403, EngineIOTransports.WebSocket)]
    public async Task A_refused_handshake_fails_ConnectAsync_as_a_refusal_and_is_not_retried(int status, EngineIOTransports transport)
    {
        await using var server = await RefusingServer.StartAsync(status);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var attempts = 0;
        await using var client = new SocketIOClient(server.Host.BaseUri, o =>
        {
            o.Transports = transport;
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(10);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(20);
            o.ExtraHeaders["Authorization"] = "Bearer bad";
            o.LoggerFactory = loggerFactory;
        });
        client.ReconnectAttempt += _ => Interlocked.Increment(ref attempts);

        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/").ConnectAsync().WaitAsync(s_bound));

        Assert.True(error.IsRejectedByServer);
        Assert.Equal(status, error.HttpStatusCode);
        if (transport == EngineIOTransports.Polling)
        {
            Assert.Equal("go away", error.HttpResponseBody);
        }
        else
        {
            Assert.Null(error.HttpResponseBody); // ClientWebSocket does not expose a refused handshake's body
        }

        // The refusal is final before the socket hears of it: no reconnection loop was started.
        Assert.Equal(1, server.Refusals);
        Assert.Equal(0, Volatile.Read(ref attempts));
        Assert.Contains(logs.Entries, e => e.EventId.Name == "Refused" && e.Message.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(EngineIOTransports.Polling)]
    [InlineData(EngineIOTransports.WebSocket)]
    public async Task A_headers_provider_with_a_rotated_token_recovers_from_a_refusal(EngineIOTransports transport)
    {
        await using var server = await RefusingServer.StartAsync(401);
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var calls = 0;
        await using var client = new SocketIOClient(server.Host.BaseUri, o =>
        {
            o.Transports = transport;
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(10);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(20);
            o.LoggerFactory = loggerFactory;

            // The first token has expired; asked again after the refusal, the provider has a fresh one.
            o.ExtraHeadersProvider = _ => ValueTask.FromResult<IReadOnlyDictionary<string, string>>(
                new Dictionary<string, string> { ["Authorization"] = Interlocked.Increment(ref calls) == 1 ? "Bearer expired" : "Bearer good" });
        });

        await client.Of("/").ConnectAsync().WaitAsync(s_bound);

        Assert.Equal(1, server.Refusals);
        Assert.Equal(2, Volatile.Read(ref calls));
        var ids = logs.Entries.Select(e => e.EventId.Name).ToList();
        Assert.Contains("RefusedRetryingWithNewCredentials", ids);
        Assert.Contains("Connected", ids);
        Assert.DoesNotContain("Refused", ids);
    }

    [Fact]
    public async Task A_headers_provider_that_gives_the_refused_token_again_ends_the_attempts()
    {
        await using var server = await RefusingServer.StartAsync(401);
        var calls = 0;
        await using var client = new SocketIOClient(server.Host.BaseUri, o =>
        {
            o.ReconnectionDelay = TimeSpan.FromMilliseconds(10);
            o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(20);
            o.ExtraHeadersProvider = _ =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string> { ["Authorization"] = "Bearer bad" });
            };
        });

        var error = await Assert.ThrowsAsync<SocketIOConnectException>(() => client.Of("/").ConnectAsync().WaitAsync(s_bound));

        Assert.True(error.IsRejectedByServer);
        Assert.Equal(401, error.HttpStatusCode);
        Assert.Equal(1, server.Refusals);
        Assert.Equal(2, Volatile.Read(ref calls)); // once for the attempt, once after the refusal
    }

    /// <summary>A Socket.IO server behind a middleware that refuses every request without <c>Bearer good</c>.</summary>
    private sealed class RefusingServer : IAsyncDisposable
    {
        private int _refusals;

        private RefusingServer(KestrelTestHost host) => Host = host;

        public KestrelTestHost Host { get; }

        public int Refusals => Volatile.Read(ref _refusals);

        public static async Task<RefusingServer> StartAsync(int status)
        {
            RefusingServer? server = null;
            var host = await KestrelTestHost.StartAsync(
                builder => builder.Services.AddSocketIO(),
                app =>
                {
                    app.Use(async (context, next) =>
                    {
                        if (context.Request.Path.StartsWithSegments("/socket.io")
                            && context.Request.Headers.Authorization.ToString() != "Bearer good")
                        {
                            Interlocked.Increment(ref server!._refusals);
                            context.Response.StatusCode = status;
                            await context.Response.WriteAsync("go away");
                            return;
                        }

                        await next(context);
                    });
                    app.MapSocketIO("/socket.io");
                });
            server = new RefusingServer(host);
            return server;
        }

        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }
}
