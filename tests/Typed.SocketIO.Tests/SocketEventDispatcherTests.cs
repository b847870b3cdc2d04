using Typed.SocketIO.Internal;

namespace Typed.SocketIO.Tests;

/// <summary>
/// The per-socket event queue shared by the server and the client: start order, the parallel limit, the fast path,
/// the bounds (refused at once, never waited for) and closing.
/// </summary>
[Trait("Category", TestCategories.Unit)]
public sealed class SocketEventDispatcherTests
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void An_item_that_finds_the_socket_idle_runs_on_the_producers_thread()
    {
        int? ranOn = null;
        var dispatcher = Create<int>(int.MaxValue, _ =>
        {
            ranOn = Environment.CurrentManagedThreadId;
            return ValueTask.CompletedTask;
        });

        Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(1, 10));

        // Synchronous: it already ran, here.
        Assert.Equal(Environment.CurrentManagedThreadId, ranOn);
    }

    [Fact]
    public void Unbounded_items_all_start_while_earlier_ones_are_still_awaiting_in_arrival_order()
    {
        var started = new List<int>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create<int>(int.MaxValue, async i =>
        {
            lock (started)
            {
                started.Add(i);
            }

            await release.Task;
        });

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(i, 10));
        }

        // Every one started at once, though none has finished.
        Assert.Equal(Enumerable.Range(0, 100), started);
        release.SetResult();
    }

    [Fact]
    public void With_one_slot_each_item_finishes_before_the_next_starts_in_order()
    {
        var log = new List<string>();
        var gates = Enumerable.Range(0, 5).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var done = new CountdownEvent(5);
        var dispatcher = Create<int>(1, async i =>
        {
            lock (log)
            {
                log.Add($"start {i}");
            }

            await gates[i].Task;
            lock (log)
            {
                log.Add($"end {i}");
            }

            done.Signal();
        });

        for (var i = 0; i < 5; i++)
        {
            dispatcher.TryEnqueue(i, 10);
        }

        Assert.Equal(["start 0"], Snapshot(log));

        // Released in reverse: the order still follows arrival, one at a time.
        for (var i = 4; i >= 0; i--)
        {
            gates[i].SetResult();
        }

        Assert.True(done.Wait(s_bound));
        Assert.Equal(["start 0", "end 0", "start 1", "end 1", "start 2", "end 2", "start 3", "end 3", "start 4", "end 4"], Snapshot(log));
    }

    [Fact]
    public async Task A_limit_of_two_runs_two_at_a_time_and_starts_the_rest_in_order()
    {
        var started = new List<int>();
        var gates = Enumerable.Range(0, 6).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create<int>(2, async i =>
        {
            lock (started)
            {
                started.Add(i);
                if (started.Count == 6)
                {
                    allStarted.SetResult();
                }
            }

            await gates[i].Task;
        });

        for (var i = 0; i < 6; i++)
        {
            dispatcher.TryEnqueue(i, 10);
        }

        Assert.Equal([0, 1], Snapshot(started));
        gates[1].SetResult();
        gates[0].SetResult();
        gates[3].SetResult();
        gates[2].SetResult();
        await allStarted.Task.WaitAsync(s_bound);
        Assert.Equal([0, 1, 2, 3, 4, 5], Snapshot(started));
        gates[4].SetResult();
        gates[5].SetResult();
    }

    [Fact]
    public async Task An_exclusive_item_runs_alone_and_holds_back_later_items_until_it_finishes()
    {
        var log = new List<string>();
        var exclusiveGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var laterStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = Create<string>(int.MaxValue, async item =>
        {
            lock (log)
            {
                log.Add(item);
            }

            if (item == "exclusive")
            {
                await exclusiveGate.Task;
                lock (log)
                {
                    log.Add("exclusive done");
                }
            }
            else
            {
                laterStarted.TrySetResult();
            }
        });

        dispatcher.Enqueue("exclusive", exclusive: true);
        dispatcher.TryEnqueue("event", 10);
        Assert.Equal(["exclusive"], Snapshot(log));

        exclusiveGate.SetResult();
        await laterStarted.Task.WaitAsync(s_bound);
        Assert.Equal(["exclusive", "exclusive done", "event"], Snapshot(log));
    }

    [Fact]
    public void Past_the_waiting_count_an_item_is_refused_at_once()
    {
        var never = new TaskCompletionSource();
        var dispatcher = new SocketEventDispatcher<int>(1, 3, new EventByteBudget(1_000_000), null, _ => new ValueTask(never.Task), (_, _) => { });

        Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(0, 10)); // running
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(i, 10)); // waiting
        }

        Assert.Equal(EventEnqueueResult.TooManyQueued, dispatcher.TryEnqueue(4, 10));

        // Notifications of the socket's own life are never refused.
        Assert.True(dispatcher.Enqueue(5));
    }

    [Fact]
    public void Bytes_count_until_the_handler_finishes_and_are_given_back_then() => WithoutSynchronizationContext(() =>
    {
        // Continuations run synchronously: once SetResult returns, the handler and its bookkeeping have finished.
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource()).ToArray();
        var budget = new EventByteBudget(2_500);
        var dispatcher = new SocketEventDispatcher<int>(int.MaxValue, 10, budget, null, i => new ValueTask(gates[i].Task), (_, _) => { });

        Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(0, 1_000));
        Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(1, 1_000));

        // Both are running, not queued: their bytes still count, so a third does not fit.
        Assert.Equal(EventEnqueueResult.TooManyBytes, dispatcher.TryEnqueue(2, 1_000));
        Assert.Equal(2_000, budget.Used);

        gates[0].SetResult();
        Assert.Equal(1_000, budget.Used);
        Assert.Equal(EventEnqueueResult.Accepted, dispatcher.TryEnqueue(2, 1_000));
        gates[1].SetResult();
        gates[2].SetResult();
        Assert.Equal(0, budget.Used);
    });

    [Fact]
    public void A_shared_connection_budget_bounds_the_sockets_together()
    {
        var never = new TaskCompletionSource();
        var connection = new EventByteBudget(1_500);
        var first = new SocketEventDispatcher<int>(int.MaxValue, 10, new EventByteBudget(1_000), connection, _ => new ValueTask(never.Task), (_, _) => { });
        var second = new SocketEventDispatcher<int>(int.MaxValue, 10, new EventByteBudget(1_000), connection, _ => new ValueTask(never.Task), (_, _) => { });

        Assert.Equal(EventEnqueueResult.Accepted, first.TryEnqueue(1, 800));
        Assert.Equal(EventEnqueueResult.TooManyConnectionBytes, second.TryEnqueue(2, 800));
        Assert.Equal(800, connection.Used);
    }

    [Fact]
    public void Closing_drops_the_waiting_items_gives_back_their_bytes_and_refuses_later_ones() => WithoutSynchronizationContext(() =>
    {
        var ran = new List<int>();
        var gate = new TaskCompletionSource();
        var budget = new EventByteBudget(1_000_000);
        var dispatcher = new SocketEventDispatcher<int>(1, 100, budget, null, i =>
        {
            ran.Add(i);
            return i == 0 ? new ValueTask(gate.Task) : ValueTask.CompletedTask;
        }, (_, _) => { });

        for (var i = 0; i < 5; i++)
        {
            dispatcher.TryEnqueue(i, 100);
        }

        Assert.Equal(4, dispatcher.Close());
        Assert.Equal(100, budget.Used); // only the running one is still charged
        Assert.Equal(EventEnqueueResult.Closed, dispatcher.TryEnqueue(9, 100));

        // The running handler finishes later, on its own; nothing that waited runs after it.
        gate.SetResult();
        Assert.Equal([0], Snapshot(ran));
        Assert.Equal(0, budget.Used);
    });

    [Fact]
    public async Task A_handler_that_throws_is_reported_and_the_next_items_still_run()
    {
        var failures = new List<(int, string)>();
        var ran = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new SocketEventDispatcher<int>(1, 10, new EventByteBudget(1_000_000), null, async i =>
        {
            await Task.Yield();
            if (i == 0)
            {
                throw new InvalidOperationException("boom");
            }

            ran.SetResult(i);
        }, (i, ex) =>
        {
            lock (failures)
            {
                failures.Add((i, ex.Message));
            }
        });

        dispatcher.TryEnqueue(0, 10);
        dispatcher.TryEnqueue(1, 10);

        Assert.Equal(1, await ran.Task.WaitAsync(s_bound));
        Assert.Equal([(0, "boom")], Snapshot(failures));
    }

    private static SocketEventDispatcher<T> Create<T>(int maxParallel, Func<T, ValueTask> process) =>
        new(maxParallel, 1024, new EventByteBudget(long.MaxValue), null, process, (_, ex) => throw new InvalidOperationException("unexpected failure", ex));

    /// <summary>
    /// Runs <paramref name="body"/> with no SynchronizationContext (xUnit installs one), so a completed task's
    /// continuations run inline in SetResult and the test needs no wait at all.
    /// </summary>
    private static void WithoutSynchronizationContext(Action body)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            body();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private static T[] Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}
