using Typed.EngineIO.Internal;

namespace Typed.SocketIO.AspNetCore.Tests;

[Trait("Category", TestCategories.Unit)]
public sealed class BatchingWriteStreamTests
{
    /// <summary>Records each write that reaches the "network".</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public int Flushes { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flushes++;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Frames_written_in_a_batch_reach_the_network_in_one_write()
    {
        var inner = new RecordingStream();
        var stream = new BatchingWriteStream(inner);

        stream.BeginBatch();
        for (var i = 0; i < 100; i++)
        {
            await stream.WriteAsync(new byte[] { (byte)i, 1, 2 });
            await stream.FlushAsync();
        }

        Assert.Equal(0, inner.Writes);
        await stream.EndBatchAsync();

        Assert.Equal(1, inner.Writes);
        Assert.Equal(300, inner.Length);
        Assert.Equal(Enumerable.Range(0, 100).SelectMany(i => new byte[] { (byte)i, 1, 2 }), inner.ToArray());
    }

    [Fact]
    public async Task Writes_outside_a_batch_pass_straight_through()
    {
        var inner = new RecordingStream();
        var stream = new BatchingWriteStream(inner);

        await stream.WriteAsync(new byte[] { 1 });
        await stream.FlushAsync();
        await stream.WriteAsync(new byte[] { 2 });

        Assert.Equal(2, inner.Writes);
        Assert.Equal(1, inner.Flushes);
    }

    [Fact]
    public async Task A_batch_larger_than_the_limit_is_written_in_order_without_growing_past_it()
    {
        var inner = new RecordingStream();
        var stream = new BatchingWriteStream(inner);
        var frame = new byte[10_000];

        stream.BeginBatch();
        for (var i = 0; i < 20; i++)
        {
            frame[0] = (byte)i;
            await stream.WriteAsync(frame.ToArray());
        }

        await stream.EndBatchAsync();

        Assert.Equal(200_000, inner.Length);
        Assert.InRange(inner.Writes, 2, 20);
        var written = inner.ToArray();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal((byte)i, written[i * 10_000]);
        }
    }
}
