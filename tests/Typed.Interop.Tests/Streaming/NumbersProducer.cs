using System.Runtime.CompilerServices;

namespace Typed.Interop.Tests.Streaming;

/// <summary>The .NET client's side of <see cref="IStreamClient"/>: records how its producer ended.</summary>
internal sealed class NumbersProducer : IStreamClient
{
    private int _produced;

    public int Produced => Volatile.Read(ref _produced);

    /// <summary>Set when the enumerator is disposed: true when its token was cancelled.</summary>
    public TaskCompletionSource<bool> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async IAsyncEnumerable<int> Numbers(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            for (var i = 0; count < 0 || i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await Task.Yield();
                Interlocked.Increment(ref _produced);
                yield return i;
            }
        }
        finally
        {
            Ended.TrySetResult(cancellationToken.IsCancellationRequested);
        }
    }

    public async Task<int> SumUpload(IAsyncEnumerable<int> numbers)
    {
        var sum = 0;
        await foreach (var n in numbers)
        {
            sum += n;
        }

        return sum;
    }
}
