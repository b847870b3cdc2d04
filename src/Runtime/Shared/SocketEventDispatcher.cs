namespace Typed.SocketIO.Internal;

/// <summary>
/// Runs one socket's received events through its handlers (the server's sockets and the client's alike).
/// <list type="bullet">
/// <item><b>Order.</b> Items start in the order they were queued: one thread at a time starts them (the "starter").</item>
/// <item><b>Concurrency.</b> Up to <c>maxParallel</c> items run at once; an item that awaits keeps its slot. With 1,
/// each item finishes before the next starts. An exclusive item (the server's connection handlers) waits for every
/// running item, and nothing starts until it finishes.</item>
/// <item><b>Fast path.</b> An item that finds a free slot and nothing waiting starts on the producer's thread (the
/// receive loop), without a thread-pool hop; once it awaits, the producer goes back to reading.</item>
/// <item><b>Bounds.</b> At most <c>maxQueued</c> items wait for a slot, and the bytes of the items not yet finished
/// (waiting or running) stay within the socket's budget and the connection's shared one.</item>
/// <item><b>Never blocks.</b> Past a bound <see cref="TryEnqueue"/> refuses at once and the caller decides (the server
/// disconnects the socket, the client drops the event and reports it). No producer ever waits for a handler: the
/// receive loop that feeds this also reads the acknowledgements, pongs and disconnects that let handlers finish, and a
/// waiting receive loop was exactly how a handler awaiting its own client's acknowledgement froze the connection.</item>
/// </list>
/// Idle, it holds no thread and no task.
/// </summary>
/// <typeparam name="T">The item: an event context, or a notification.</typeparam>
internal sealed class SocketEventDispatcher<T>
{
    private readonly object _lock = new();
    private readonly Queue<Entry> _waiting = new();
    private readonly int _maxParallel;
    private readonly int _maxQueued;
    private readonly EventByteBudget _bytes;
    private readonly EventByteBudget? _sharedBytes;
    private readonly Func<T, ValueTask> _process;
    private readonly Action<T, Exception> _onError;
    private int _running;
    private bool _exclusiveRunning;
    private bool _starting;
    private bool _closed;

    /// <param name="maxParallel">Most items running at once (1: one at a time).</param>
    /// <param name="maxQueued">Most items waiting for a slot.</param>
    /// <param name="bytes">The socket's byte budget, charged from queueing until the item finishes.</param>
    /// <param name="sharedBytes">A budget shared with the other sockets of the connection, or null.</param>
    /// <param name="process">Runs one item.</param>
    /// <param name="onError">Reports an item that threw; the others carry on.</param>
    public SocketEventDispatcher(int maxParallel, int maxQueued, EventByteBudget bytes, EventByteBudget? sharedBytes, Func<T, ValueTask> process, Action<T, Exception> onError)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParallel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueued, 1);
        _maxParallel = maxParallel;
        _maxQueued = maxQueued;
        _bytes = bytes;
        _sharedBytes = sharedBytes;
        _process = process;
        _onError = onError;
    }

    /// <summary>
    /// Starts <paramref name="item"/> (on this thread when a slot is free and nothing waits) or queues it, within the
    /// bounds; never waits.
    /// </summary>
    /// <param name="item">The event.</param>
    /// <param name="bytes">What it is charged until it finishes (<see cref="EventByteBudget.Measure"/>).</param>
    public EventEnqueueResult TryEnqueue(T item, long bytes)
    {
        var entry = new Entry(item, bytes, Exclusive: false);
        lock (_lock)
        {
            if (_closed)
            {
                return EventEnqueueResult.Closed;
            }

            var startNow = CanStartNow_Locked(exclusive: false);
            if (!startNow && _waiting.Count >= _maxQueued)
            {
                return EventEnqueueResult.TooManyQueued;
            }

            if (!_bytes.TryCharge(bytes))
            {
                return EventEnqueueResult.TooManyBytes;
            }

            if (_sharedBytes is not null && !_sharedBytes.TryCharge(bytes))
            {
                _bytes.Release(bytes);
                return EventEnqueueResult.TooManyConnectionBytes;
            }

            if (!startNow)
            {
                _waiting.Enqueue(entry);
                return EventEnqueueResult.Accepted;
            }

            MarkStarted_Locked(entry);
            _starting = true;
        }

        RunAsStarter(entry, onProducer: true);
        return EventEnqueueResult.Accepted;
    }

    /// <summary>
    /// Queues an item outside the bounds: a notification of the socket's own life (connected, disconnected…), which a
    /// peer cannot multiply. An exclusive one runs alone: it waits for the running items, and holds back later ones
    /// until it finishes.
    /// </summary>
    /// <returns>False when the dispatcher was closed.</returns>
    public bool Enqueue(T item, bool exclusive = false)
    {
        var entry = new Entry(item, 0, exclusive);
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            if (!CanStartNow_Locked(exclusive))
            {
                _waiting.Enqueue(entry);
                return true;
            }

            MarkStarted_Locked(entry);
            _starting = true;
        }

        RunAsStarter(entry, onProducer: true);
        return true;
    }

    /// <summary>
    /// The socket left: later items are refused and those still waiting are dropped (their bytes given back). Running
    /// ones are not interrupted; they finish later, on their own.
    /// </summary>
    /// <returns>How many waiting items were dropped.</returns>
    public int Close()
    {
        Entry[] dropped;
        lock (_lock)
        {
            if (_closed)
            {
                return 0;
            }

            _closed = true;
            dropped = [.. _waiting];
            _waiting.Clear();
        }

        foreach (var entry in dropped)
        {
            ReleaseBytes(entry);
        }

        return dropped.Length;
    }

    /// <summary>A new item may start on the producer's thread: a free slot, nobody else starting, nobody waiting.</summary>
    private bool CanStartNow_Locked(bool exclusive) => !_starting && _waiting.Count == 0 && HasSlot_Locked(exclusive);

    private bool HasSlot_Locked(bool exclusive) => !_exclusiveRunning && (exclusive ? _running == 0 : _running < _maxParallel);

    private void MarkStarted_Locked(Entry entry)
    {
        _running++;
        _exclusiveRunning = entry.Exclusive;
    }

    /// <summary>
    /// Starts <paramref name="first"/>, then whatever waiting items have a slot, one after the other, so items start
    /// in queue order. The caller holds the starter role (<see cref="_starting"/>); this gives it up when nothing more
    /// can start. On the producer's thread only the first item runs: the rest are handed to the thread pool, so the
    /// receive loop goes back to reading (that is how acknowledgements keep flowing while handlers wait).
    /// </summary>
    private void RunAsStarter(Entry? first, bool onProducer)
    {
        var next = first;
        while (true)
        {
            if (next is { } entry)
            {
                ValueTask running;
                try
                {
                    running = _process(entry.Item);
                }
                catch (Exception ex)
                {
                    running = ValueTask.FromException(ex);
                }

                if (running.IsCompleted)
                {
                    Observe(running, entry);
                    Finish(entry, isStarter: true);
                }
                else
                {
                    _ = FinishLaterAsync(running, entry);
                }
            }

            lock (_lock)
            {
                if (_waiting.Count == 0 || !HasSlot_Locked(_waiting.Peek().Exclusive))
                {
                    _starting = false;
                    return;
                }

                if (onProducer)
                {
                    // Keep the starter role and pass it to a pool thread.
                    ThreadPool.UnsafeQueueUserWorkItem(static dispatcher => dispatcher.RunAsStarter(null, onProducer: false), this, preferLocal: false);
                    return;
                }

                next = _waiting.Dequeue();
                MarkStarted_Locked(next.Value);
            }
        }
    }

    private async Task FinishLaterAsync(ValueTask running, Entry entry)
    {
        try
        {
            await running.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _onError(entry.Item, ex);
        }

        Finish(entry, isStarter: false);
    }

    private void Observe(ValueTask completed, Entry entry)
    {
        try
        {
            completed.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            _onError(entry.Item, ex);
        }
    }

    /// <summary>
    /// Frees <paramref name="entry"/>'s slot and bytes. A finish outside the starter takes the starter role when
    /// items wait for the slot it freed, and starts them on this thread (the finished handler's continuation).
    /// </summary>
    private void Finish(Entry entry, bool isStarter)
    {
        ReleaseBytes(entry);
        bool start;
        lock (_lock)
        {
            _running--;
            if (entry.Exclusive)
            {
                _exclusiveRunning = false;
            }

            start = !isStarter && !_starting && _waiting.Count > 0 && HasSlot_Locked(_waiting.Peek().Exclusive);
            if (start)
            {
                _starting = true;
            }
        }

        if (start)
        {
            RunAsStarter(null, onProducer: false);
        }
    }

    private void ReleaseBytes(Entry entry)
    {
        if (entry.Bytes == 0)
        {
            return;
        }

        _bytes.Release(entry.Bytes);
        _sharedBytes?.Release(entry.Bytes);
    }

    private readonly record struct Entry(T Item, long Bytes, bool Exclusive);
}
