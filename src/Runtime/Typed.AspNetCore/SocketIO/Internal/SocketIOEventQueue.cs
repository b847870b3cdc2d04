using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Internal;

/// <summary>
/// Runs one socket's handlers one at a time, in arrival order, off the connection's receive path — so a handler
/// that awaits a client acknowledgement does not stop that acknowledgement from being read. Bounded: when it is full,
/// reading from the connection waits. Idle, it holds no thread and no task.
/// </summary>
internal sealed class SocketIOEventQueue(SocketIOSocket socket, int capacity)
{
    private readonly Queue<SocketIOEventContext?> _queue = new();
    private readonly SemaphoreSlim _capacity = new(capacity, capacity);
    private bool _draining;

    public ValueTask EnqueueAsync(SocketIOEventContext context) => EnqueueCoreAsync(context);

    /// <summary>The namespace's connection handlers run as the first item, before any event.</summary>
    public ValueTask EnqueueConnectionAsync() => EnqueueCoreAsync(null);

    private async ValueTask EnqueueCoreAsync(SocketIOEventContext? item)
    {
        await _capacity.WaitAsync();
        bool start;
        lock (_queue)
        {
            _queue.Enqueue(item);
            start = !_draining;
            _draining = true;
        }

        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static queue => _ = queue.DrainAsync(), this, preferLocal: false);
        }
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            SocketIOEventContext? item;
            lock (_queue)
            {
                if (!_queue.TryDequeue(out item))
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                if (item is null)
                {
                    await socket.RunConnectionHandlersAsync();
                }
                else
                {
                    await socket.DispatchAsync(item);
                }
            }
            catch (Exception ex)
            {
                SocketIOLog.HandlerFailed(socket.Logger, ex, item?.EventName ?? "OnConnection", socket.Id);
            }
            finally
            {
                _capacity.Release();
            }
        }
    }
}
