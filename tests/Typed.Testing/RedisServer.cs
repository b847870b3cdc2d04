using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Typed.Testing;

/// <summary>
/// A real <c>redis-server</c> (Debian's, /usr/bin/redis-server) on a free loopback port, no persistence, for the
/// cluster tests: started ready (it answers PING), killable and restartable on the same port for outage tests, stopped
/// by <see cref="DisposeAsync"/>. <see cref="CommandAsync"/> speaks RESP directly, so tests need no Redis client.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/redis-server";
    private Process? _process;

    private RedisServer(int port) => Port = port;

    /// <summary>The port it listens on, on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as a StackExchange.Redis configuration or node-redis host.</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing: install Debian's redis-server (apt-get install redis-server).");
        }

        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var server = new RedisServer(port);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Kills the server at once (SIGKILL): clients see their connections drop.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    /// <summary>Starts the server again on the same port (empty: no persistence) and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        // Ready = PING answered; bounded, retried only while the port is not accepting yet.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            try
            {
                if (await CommandAsync([Encoding.ASCII.GetBytes("PING")], deadline.Token) == "+PONG")
                {
                    return;
                }
            }
            catch (SocketException) when (!deadline.IsCancellationRequested && !process.HasExited)
            {
                await Task.Delay(20, deadline.Token);
            }
        }
    }

    /// <summary>Sends one command and returns its reply as RESP text (e.g. <c>+PONG</c>, <c>:3</c>, or an array's lines).</summary>
    public async Task<string> CommandAsync(IReadOnlyList<byte[]> arguments, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
        var stream = client.GetStream();
        var request = new MemoryStream();
        request.Write(Encoding.ASCII.GetBytes($"*{arguments.Count}\r\n"));
        foreach (var argument in arguments)
        {
            request.Write(Encoding.ASCII.GetBytes($"${argument.Length}\r\n"));
            request.Write(argument);
            request.Write("\r\n"u8);
        }

        await stream.WriteAsync(request.ToArray(), cancellationToken);
        client.Client.Shutdown(SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return (await reader.ReadToEndAsync(cancellationToken)).TrimEnd();
    }

    /// <summary>Publishes raw bytes on a channel (<c>SPUBLISH</c> with <paramref name="command"/>); returns how many subscribers got them.</summary>
    public async Task<int> PublishAsync(string channel, byte[] message, string command = "PUBLISH")
    {
        var reply = await CommandAsync([Encoding.ASCII.GetBytes(command), Encoding.UTF8.GetBytes(channel), message]);
        return int.Parse(reply.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary><c>PUBSUB NUMSUB</c> (or <paramref name="command"/>, e.g. <c>SHARDNUMSUB</c>) of one channel.</summary>
    public async Task<int> CountSubscribersAsync(string channel, string command = "NUMSUB")
    {
        var reply = await CommandAsync([Encoding.ASCII.GetBytes("PUBSUB"), Encoding.ASCII.GetBytes(command), Encoding.UTF8.GetBytes(channel)]);
        var last = reply.Split("\r\n")[^1];
        return int.Parse(last.TrimStart(':'), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Until each of <paramref name="channels"/> has at least <paramref name="count"/> subscribers (<c>PUBSUB NUMSUB</c>,
    /// or <paramref name="command"/>): what the adapters count as the servers of a cluster. Polled, as no event crosses
    /// the processes; bounded by <paramref name="timeout"/> (30 s by default), past which it names the channel short.
    /// </summary>
    public async Task WaitForSubscribersAsync(IReadOnlyList<string> channels, int count, string command = "NUMSUB", TimeSpan? timeout = null)
    {
        var bound = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + bound;
        foreach (var channel in channels)
        {
            int seen;
            while ((seen = await CountSubscribersAsync(channel, command)) < count)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new TimeoutException($"{channel} has {seen} subscribers ({command}), not {count}, after {bound}");
                }

                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync() => await KillAsync();
}
