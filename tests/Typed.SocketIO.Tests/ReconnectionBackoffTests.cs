using Typed.SocketIO.Client;
using Typed.SocketIO.Client.Internal;

namespace Typed.SocketIO.Tests;

[Trait("Category", TestCategories.Unit)]
public sealed class ReconnectionBackoffTests
{
    [Fact]
    public void Without_jitter_the_delay_doubles_from_the_minimum_up_to_the_maximum()
    {
        var backoff = new ReconnectionBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), jitter: 0);

        var delays = Enumerable.Range(0, 6).Select(_ => backoff.Next().TotalMilliseconds).ToArray();

        Assert.Equal([1000, 2000, 4000, 5000, 5000, 5000], delays);
        Assert.Equal(6, backoff.Attempts);
    }

    [Fact]
    public void Jitter_moves_each_delay_by_at_most_its_factor_and_never_past_the_maximum()
    {
        var backoff = new ReconnectionBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), jitter: 0.5, new Random(1234));
        var seen = new HashSet<double>();
        for (var round = 0; round < 200; round++)
        {
            backoff.Reset();
            var first = backoff.Next().TotalMilliseconds;
            var second = backoff.Next().TotalMilliseconds;
            Assert.InRange(first, 500, 1500);
            Assert.InRange(second, 1000, 3000);
            for (var i = 0; i < 40; i++)
            {
                Assert.InRange(backoff.Next().TotalMilliseconds, 0, 5000);
            }

            seen.Add(first);
        }

        Assert.True(seen.Count > 50, "the first delay should vary from one series to the next");
    }

    [Fact]
    public void Reset_starts_again_from_the_minimum()
    {
        var backoff = new ReconnectionBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), jitter: 0);
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(0, backoff.Attempts);
        Assert.Equal(100, backoff.Next().TotalMilliseconds);
    }

    [Fact]
    public void Client_defaults_match_socket_io_client()
    {
        var options = new SocketIOClientOptions();

        Assert.Equal("/socket.io/", options.Path);
        Assert.True(options.Reconnection);
        Assert.Equal(int.MaxValue, options.ReconnectionAttempts);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReconnectionDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ReconnectionDelayMax);
        Assert.Equal(0.5, options.RandomizationFactor);
        Assert.Equal(TimeSpan.FromSeconds(20), options.ConnectTimeout);
        Assert.Equal(EngineIOTransports.Polling | EngineIOTransports.WebSocket, options.Transports);
        Assert.True(options.Upgrade);
        Assert.True(new SocketIOClientSocketOptions().BufferWhileDisconnected);
        Assert.Equal(0, new SocketIOClientSocketOptions().Retries);
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_client_is_created()
    {
        var uri = new Uri("http://127.0.0.1:1");
        Assert.Throws<ArgumentException>(() => new SocketIOClient(uri, o => o.Transports = 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOClient(uri, o => o.RandomizationFactor = 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOClient(uri, o => o.ReconnectionDelayMax = TimeSpan.FromMilliseconds(1)));
        Assert.Throws<ArgumentException>(() => new SocketIOClient(new Uri("ws://127.0.0.1:1")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SocketIOClient(uri).Of("/", o => o.Retries = -1));
        Assert.Throws<ArgumentException>(() => new SocketIOClient(uri).Of("/").Emit("connect"));
    }
}
