using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace Typed.SocketIO.Internal;

/// <summary>
/// Catches a server that no client can reach, once every endpoint is mapped and before Kestrel listens (a lifecycle
/// service's <c>StartingAsync</c> runs before any hosted service starts): hubs mapped without <c>MapSocketIO()</c> fail
/// the start with what to add; <c>AddSocketIO()</c> with nothing mapped at all is logged as a warning, since a server
/// can be added for a later mapping (or by a library) without being a mistake the way a mapped hub is.
/// </summary>
internal sealed class SocketIOStartupCheck(SocketIOServer server) : IHostedLifecycleService
{
    private readonly ConcurrentQueue<string> _hubs = new();
    private int _endpoints;

    /// <summary>Called by <c>MapSocketIO</c>.</summary>
    public void EndpointMapped() => Interlocked.Increment(ref _endpoints);

    /// <summary>Called by <c>MapSocketHub</c>: how the hub was mapped, for the message.</summary>
    public void HubMapped(string mapping) => _hubs.Enqueue(mapping);

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _endpoints) > 0)
        {
            return Task.CompletedTask;
        }

        if (!_hubs.IsEmpty)
        {
            throw new InvalidOperationException(
                $"{string.Join(", ", _hubs)} maps a hub, but the Socket.IO endpoint is not mapped, so no client can reach it: "
                + "add app.MapSocketIO(); (path \"/socket.io\" by default) where the hub is mapped.");
        }

        SocketIOStartupLog.EndpointNotMapped(server.Logger);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
