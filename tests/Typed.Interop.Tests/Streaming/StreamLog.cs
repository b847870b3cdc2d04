namespace Typed.Interop.Tests.Streaming;

/// <summary>What the stream hub saw (a DI singleton): items produced, and how its producers and consumers ended.</summary>
public sealed class StreamLog
{
    private int _produced;

    public int Produced => Volatile.Read(ref _produced);

    public int Produce() => Interlocked.Increment(ref _produced);

    /// <summary>Set when a hub producer's enumerator is disposed: true when its token was cancelled.</summary>
    public TaskCompletionSource<bool> ProducerEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a hub consumer (<see cref="IStreamServer.ConsumeFromClient"/>) ends: the exception it saw.</summary>
    public TaskCompletionSource<Exception?> ConsumerEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when <see cref="IStreamServer.HoldUpload"/> took its first number.</summary>
    public TaskCompletionSource UploadHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets <see cref="IStreamServer.HoldUpload"/> go on reading.</summary>
    public TaskCompletionSource ReleaseUpload { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
