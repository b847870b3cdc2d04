using System.Runtime.CompilerServices;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Streaming;

/// <summary>The stream hub: produces streams for callers and consumes theirs.</summary>
public sealed class StreamHub(StreamLog log) : SocketHub<IStreamClient>, IStreamServer
{
    public async IAsyncEnumerable<Tick> Ticks(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new Tick(i, "tick " + i);
        }
    }

    public async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            for (var i = 0; ; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                log.Produce();
                yield return i;
            }
        }
        finally
        {
            log.ProducerEnded.TrySetResult(cancellationToken.IsCancellationRequested);
        }
    }

    public async IAsyncEnumerable<int> Failing(int after)
    {
        for (var i = 0; i < after; i++)
        {
            await Task.Yield();
            yield return i;
        }

        throw new InvalidOperationException("the producer failed");
    }

    public async IAsyncEnumerable<int> StopsItself(int after)
    {
        using var own = new CancellationTokenSource();
        for (var i = 0; i < after; i++)
        {
            await Task.Yield();
            yield return i;
        }

        await own.CancelAsync();
        own.Token.ThrowIfCancellationRequested();
    }

    public async Task<int> SumFromClient(int count)
    {
        var sum = 0;
        await foreach (var n in Clients.Caller.Numbers(count))
        {
            sum += n;
        }

        return sum;
    }

    public async Task<int> TakeFromClient(int take)
    {
        var taken = 0;
        await foreach (var n in Clients.Caller.Numbers(-1))
        {
            if (++taken == take)
            {
                break;
            }
        }

        return taken;
    }

    public async Task ConsumeFromClient()
    {
        try
        {
            await foreach (var n in Clients.Caller.Numbers(-1))
            {
                _ = n;
            }

            log.ConsumerEnded.TrySetResult(null);
        }
        catch (Exception ex)
        {
            log.ConsumerEnded.TrySetResult(ex);
        }
    }

    public Task Kick()
    {
        Socket.Disconnect();
        return Task.CompletedTask;
    }

    public async Task<int> SumUpload(string label, IAsyncEnumerable<int> numbers, CancellationToken cancellationToken = default)
    {
        Assert.Equal("numbers", label);
        var sum = 0;
        await foreach (var n in numbers)
        {
            sum += n;
        }

        return sum;
    }

    public async Task<int> TakeUpload(IAsyncEnumerable<int> numbers, int take)
    {
        var taken = 0;
        await foreach (var n in numbers)
        {
            if (++taken == take)
            {
                break;
            }
        }

        return taken;
    }

    public async Task<int> HoldUpload(IAsyncEnumerable<int> numbers)
    {
        var taken = 0;
        await foreach (var n in numbers)
        {
            if (++taken == 1)
            {
                log.UploadHeld.TrySetResult();
                await log.ReleaseUpload.Task;
            }
            else if (taken == 41)
            {
                break;
            }
        }

        return taken - 1;
    }

    public async Task ConsumeUpload(IAsyncEnumerable<int> numbers)
    {
        try
        {
            await foreach (var n in numbers)
            {
                _ = n;
            }

            log.ConsumerEnded.TrySetResult(null);
        }
        catch (Exception ex)
        {
            log.ConsumerEnded.TrySetResult(ex);
        }
    }

    public Task<int> UploadToClient(int count) => Clients.Caller.SumUpload(Range(count));

    private static async IAsyncEnumerable<int> Range(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return i;
        }
    }
}
