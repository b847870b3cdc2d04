using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>
/// Watches Kestrel's TCP connections from the server side, through connection middleware: a test learns, without
/// polling, when the server has closed or aborted the connection of a given client port (Kestrel's
/// <see cref="ConnectionContext.ConnectionClosed"/>, which fires once the socket itself is gone).
/// </summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _closed = new();
    private int _open;

    /// <summary>TCP connections the server holds now.</summary>
    public int OpenCount => Volatile.Read(ref _open);

    /// <summary>Adds the middleware to every endpoint of the server <paramref name="builder"/> builds.</summary>
    public void Install(WebApplicationBuilder builder) =>
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen => listen.Use(next => async connection =>
        {
            Interlocked.Increment(ref _open);
            var port = (connection.RemoteEndPoint as IPEndPoint)?.Port ?? -1;
            var closed = Source(port);
            // Not disposed with the middleware: the socket closes after the middleware has returned.
            connection.ConnectionClosed.Register(() =>
            {
                Interlocked.Decrement(ref _open);
                closed.TrySetResult();
            });
            await next(connection);
        })));

    /// <summary>Completes when the server-side socket of the client whose local port is <paramref name="clientPort"/> is closed.</summary>
    public Task WhenClosed(int clientPort) => Source(clientPort).Task;

    private TaskCompletionSource Source(int port) =>
        _closed.GetOrAdd(port, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
