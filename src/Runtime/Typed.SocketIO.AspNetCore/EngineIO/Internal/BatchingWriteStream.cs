using System.Buffers;

namespace Typed.EngineIO.Internal;

/// <summary>
/// Wraps an upgraded connection's stream so that a burst of WebSocket frames reaches the network in one write.
/// Kestrel's upgraded stream flushes on every write, so without this each frame costs its own syscall. Between
/// <see cref="BeginBatch"/> and <see cref="EndBatchAsync"/> frames are gathered (up to <see cref="MaxBatchBytes"/>);
/// outside a batch, writes such as the automatic pongs pass straight through.
/// </summary>
internal sealed class BatchingWriteStream(Stream inner) : Stream
{
    public const int MaxBatchBytes = 64 * 1024;

    // The WebSocket serializes its own frames; this lock orders them against the end of a batch.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // WebSocket.Abort() disposes the stream to stop a pending receive, but disposing Kestrel's upgraded stream does
    // not end a read or a write in progress (a write waits while the peer does not read); cancelling it does.
    private readonly CancellationTokenSource _disposed = new();
    private byte[]? _batch;
    private int _batched;
    private bool _batching;

    // Set before our close frame is written, and read under _writeLock: a frame that takes the lock after it is
    // set is dropped, one that took it before is written before the close frame (which needs the lock too).
    private bool _framesStopped;

    /// <summary>
    /// Whether the transport may write whole frames of its own (<see cref="WriteFrameAsync"/>) beside the WebSocket's:
    /// not when permessage-deflate was negotiated, whose messages only the WebSocket may frame.
    /// </summary>
    public bool AcceptsRawFrames { get; init; } = true;

    public void BeginBatch() => _batching = true;

    public async ValueTask EndBatchAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _batching = false;
            await WriteBatchedAsync(_disposed.Token).ConfigureAwait(false);
            ReturnBatchBuffer();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            await WriteCoreAsync(buffer, _disposed.Token).ConfigureAwait(false);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        await WriteCoreAsync(buffer, linked.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes one whole WebSocket frame the transport built (a broadcast's shared frame), in order with the
    /// WebSocket's own frames: each of theirs is one write too, and the lock keeps frames whole. Outside a batch it
    /// goes to the connection at once; once <see cref="StopFrames"/> has run it is dropped, as the close frame is
    /// on its way.
    /// </summary>
    public ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame) => WriteCoreAsync(frame, _disposed.Token, isFrame: true);

    /// <summary>
    /// Our close frame is about to be written: frames from <see cref="WriteFrameAsync"/> that are not written yet are
    /// dropped from now on. The WebSocket refuses its own sends after the close by itself.
    /// </summary>
    public void StopFrames() => Volatile.Write(ref _framesStopped, true);

    private async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken, bool isFrame = false)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (isFrame && _framesStopped)
            {
                return;
            }

            if (_batching && _batched + buffer.Length <= MaxBatchBytes)
            {
                _batch ??= ArrayPool<byte>.Shared.Rent(MaxBatchBytes);
                buffer.Span.CopyTo(_batch.AsSpan(_batched));
                _batched += buffer.Length;
                return;
            }

            await WriteBatchedAsync(cancellationToken).ConfigureAwait(false);
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Inside a batch the flush waits for <see cref="EndBatchAsync"/>.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _batching ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await inner.ReadAsync(buffer, _disposed.Token).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        return await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The WebSocket writes asynchronously.");

    public override void Flush() => inner.Flush();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.Cancel();
            inner.Dispose();
            ReturnBatchBuffer();
        }

        base.Dispose(disposing);
    }

    private async ValueTask WriteBatchedAsync(CancellationToken cancellationToken)
    {
        if (_batched == 0)
        {
            return;
        }

        var count = _batched;
        _batched = 0;
        await inner.WriteAsync(_batch.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
    }

    private void ReturnBatchBuffer()
    {
        // An idle connection holds no batch buffer.
        var batch = _batch;
        if (batch is not null && _batched == 0)
        {
            _batch = null;
            ArrayPool<byte>.Shared.Return(batch);
        }
    }
}
