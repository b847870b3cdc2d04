using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Typed.Testing;

/// <summary>
/// A loopback TCP proxy in front of a server that can cut the connections going through it, as a network drop does:
/// both sides get a reset (RST), nothing in flight is delivered. Clients connect to <see cref="BaseUrl"/>.
/// </summary>
public sealed class TcpCutProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private IPEndPoint _target;
    private readonly ConcurrentDictionary<Pair, byte> _pairs = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    private TcpCutProxy(IPEndPoint target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _acceptLoop = AcceptAsync();
    }

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>While true, new connections are reset at once, as to a host that cannot be reached.</summary>
    public bool Blocked
    {
        get => Volatile.Read(ref _blocked);
        set => Volatile.Write(ref _blocked, value);
    }

    private bool _blocked;

    /// <summary>How many connections were cut so far.</summary>
    public int CutCount => Volatile.Read(ref _cutCount);

    private int _cutCount;

    /// <summary>A proxy in front of <paramref name="targetBaseUrl"/> (http://127.0.0.1:port).</summary>
    public static TcpCutProxy Start(string targetBaseUrl)
    {
        var uri = new Uri(targetBaseUrl);
        return new TcpCutProxy(new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
    }

    /// <summary>
    /// Sends new connections to another server (<paramref name="targetBaseUrl"/>); open ones stay where they are. A
    /// client behind the proxy reconnects to that server after a cut, as behind a load balancer.
    /// </summary>
    public void Retarget(string targetBaseUrl)
    {
        var uri = new Uri(targetBaseUrl);
        Volatile.Write(ref _target, new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port));
    }

    /// <summary>Resets every connection open now; new ones go through as before.</summary>
    public void CutAll()
    {
        foreach (var pair in _pairs.Keys)
        {
            Cut(pair);
        }
    }

    /// <summary>Resets the open connections for which <paramref name="select"/> (given a counter from 0) says so.</summary>
    public void CutSome(Func<int, bool> select)
    {
        var i = 0;
        foreach (var pair in _pairs.Keys)
        {
            if (select(i++))
            {
                Cut(pair);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        CutAll();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The loop ends with the listener's exception; nothing to report.
        }

        _stop.Dispose();
    }

    private void Cut(Pair pair)
    {
        if (!_pairs.TryRemove(pair, out _))
        {
            return;
        }

        Interlocked.Increment(ref _cutCount);
        foreach (var socket in new[] { pair.Client, pair.Server })
        {
            try
            {
                // Linger 0: close sends RST, dropping what is buffered, as a dead network path would.
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        if (Blocked)
        {
            client.LingerState = new LingerOption(true, 0);
            client.Close();
            return;
        }

        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception)
        {
            client.Close();
            server.Dispose();
            return;
        }

        var pair = new Pair(client, server);
        _pairs[pair] = 0;
        await Task.WhenAll(PumpAsync(client, server), PumpAsync(server, client));

        // Both directions ended on their own (a normal close): release the sockets, unless cut meanwhile.
        if (_pairs.TryRemove(pair, out _))
        {
            client.Close();
            server.Close();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception)
        {
            // Cut or reset: the relay ends.
        }
    }

    private sealed record Pair(Socket Client, Socket Server);
}
