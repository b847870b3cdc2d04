using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A response body whose flush returns only after the client has closed the connection, and then throws if the
/// caller's token was cancelled meanwhile, as Kestrel's own flush does (it checks the token after an awaited flush
/// completes). The bytes go out at once, so a client that reads the whole response and closes, as the JavaScript
/// client does after every poll (<c>Connection: close</c>), has them all: this replays, every time, the order a
/// loaded server sometimes takes, where the flush's continuation runs only after that close.
/// </summary>
public sealed class FlushReturnsAfterClientCloseBody(IHttpResponseBodyFeature inner, CancellationToken requestAborted) : IHttpResponseBodyFeature
{
    private readonly HeldFlushWriter _writer = new(inner.Writer, requestAborted);

    public Stream Stream => inner.Stream;

    public PipeWriter Writer => _writer;

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        inner.SendFileAsync(path, offset, count, cancellationToken);

    public Task CompleteAsync() => inner.CompleteAsync();

    private sealed class HeldFlushWriter(PipeWriter inner, CancellationToken requestAborted) : PipeWriter
    {
        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var result = await inner.FlushAsync(CancellationToken.None);
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (requestAborted.Register(() => closed.TrySetResult()))
            {
                // Bounded: a client that never closes fails the test with a TimeoutException, not a hang.
                await closed.Task.WaitAsync(TimeSpan.FromMilliseconds(PollingTestSupport.BoundMs));
            }

            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
    }
}
