namespace Typed.SocketIO.Internal;

/// <summary>
/// Runs one socket's work items one at a time, in the order they were queued. An item that finds the queue idle
/// starts on the producer's thread; once it awaits, the receive path is free again — so a handler that awaits an
/// acknowledgement does not stop that acknowledgement from being read. Bounded: when it is full, the producer waits
/// (the receive loop stops reading, which is the backpressure). Idle, it holds no thread and no task. Used by the
/// server's sockets and the client's alike.
/// </summary>
internal sealed class SerialWorkQueue<T>
{
    private readonly Queue<T> _queue = new();
    private readonly SemaphoreSlim _capacity;
    private readonly Func<T, ValueTask> _process;
    private readonly Action<T, Exception> _onError;
    private bool _draining;

    /// <param name="capacity">Most items queued or running at once.</param>
    /// <param name="process">Runs one item.</param>
    /// <param name="onError">Reports an item that threw; the queue goes on with the next.</param>
    public SerialWorkQueue(int capacity, Func<T, ValueTask> process, Action<T, Exception> onError)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = new SemaphoreSlim(capacity, capacity);
        _process = process;
        _onError = onError;
    }

    /// <summary>Queues <paramref name="item"/>, waiting asynchronously while the queue is full.</summary>
    public async ValueTask EnqueueAsync(T item)
    {
        await _capacity.WaitAsync().ConfigureAwait(false);
        Add(item);
    }

    /// <summary>Queues <paramref name="item"/>, blocking the calling thread while the queue is full.</summary>
    public void Enqueue(T item)
    {
        _capacity.Wait();
        Add(item);
    }

    private void Add(T item)
    {
        lock (_queue)
        {
            if (_draining)
            {
                _queue.Enqueue(item);
                return;
            }

            _draining = true;
        }

        // The queue was idle: the item runs here, on the producer's thread (the receive loop), as SignalR runs hub
        // methods. A handler that completes synchronously then costs no thread-pool hop; one that awaits goes on
        // asynchronously, and what arrives meanwhile waits its turn behind it.
        ValueTask running;
        try
        {
            running = _process(item);
        }
        catch (Exception ex)
        {
            running = ValueTask.FromException(ex);
        }

        if (!running.IsCompleted)
        {
            _ = FinishThenDrainAsync(running, item);
            return;
        }

        Complete(running, item);
        bool more;
        lock (_queue)
        {
            more = _queue.Count > 0;
            _draining = more;
        }

        if (more)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static queue => _ = queue.DrainAsync(), this, preferLocal: false);
        }
    }

    private void Complete(ValueTask completed, T item)
    {
        try
        {
            completed.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            _onError(item, ex);
        }
        finally
        {
            _capacity.Release();
        }
    }

    private async Task FinishThenDrainAsync(ValueTask running, T item)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _onError(item, ex);
        }
        finally
        {
            _capacity.Release();
        }

        await DrainAsync().ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            T item;
            lock (_queue)
            {
                if (!_queue.TryDequeue(out item!))
                {
                    _draining = false;
                    return;
                }
            }

            try
            {
                await _process(item).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _onError(item, ex);
            }
            finally
            {
                _capacity.Release();
            }
        }
    }
}
