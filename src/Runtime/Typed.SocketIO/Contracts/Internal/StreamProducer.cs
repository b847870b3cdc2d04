using System.Text.Json.Serialization.Metadata;
using Typed.Shared;

namespace Typed.SocketIO.Contracts.Internal;

/// <summary>
/// The sending end of a stream: pulls items from the handler's <see cref="IAsyncEnumerable{T}"/> only while it holds
/// credit, so it never runs more than the consumer's window ahead of what the consumer has taken, and emits each as
/// <c>$stream [id, item]</c>, then <c>$stream-end [id]</c> or <c>$stream-end [id, {"$error":…}]</c>. The consumer's
/// <c>$stream-cancel</c>, or the connection closing, cancels the enumerator's token (<c>[EnumeratorCancellation]</c>)
/// and disposes it.
/// </summary>
internal sealed class StreamProducer<T> : IStreamEndpoint
{
    // Credit beyond this is ignored: a peer granting more cannot make the producer run unboundedly ahead.
    private const int MaxCredit = 1 << 16;

    private readonly ISocketIOStreamPeer _peer;
    private readonly SocketStreamTable _table;
    private readonly string _id;
    private readonly string _eventName;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly CancellationTokenSource _cancellation;
    private readonly object _gate = new();
    private int _credit;
    private TaskCompletionSource? _creditWaiter;

    private readonly CancellationToken _ownerCancellation;

    // ownerCancellation: for an upload, the uploader's own token. Cancelling it ends the stream with stream_cancelled
    // (the consumer is told), where the consumer's $stream-cancel and the connection closing end it silently.
    public StreamProducer(ISocketIOStreamPeer peer, SocketStreamTable table, string id, string eventName, int initialCredit, JsonTypeInfo<T> typeInfo, CancellationToken ownerCancellation = default)
    {
        _peer = peer;
        _table = table;
        _id = id;
        _eventName = eventName;
        _typeInfo = typeInfo;
        _credit = Math.Min(initialCredit, MaxCredit);
        _ownerCancellation = ownerCancellation;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(peer.ConnectionClosed, ownerCancellation);
    }

    /// <summary>What the producer's items threw (not a cancellation), once the stream ended with it; else null.</summary>
    public Exception? LocalError { get; private set; }

    public void OnEvent(string eventName, SocketIOArguments arguments)
    {
        if (eventName == SocketIOReservedNames.StreamAck)
        {
            AddCredit(SocketStreamTable.ReadCredit(arguments, 1));
        }
        else if (eventName == SocketIOReservedNames.StreamCancel)
        {
            Cancel();
        }
    }

    private void AddCredit(int credit)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            _credit = (int)Math.Min((long)_credit + credit, MaxCredit);
            waiter = _creditWaiter;
            _creditWaiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>Stops the stream silently, as the consumer's <c>$stream-cancel</c> does.</summary>
    public void Cancel()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream already ended.
        }
    }

    /// <summary>Runs the stream to its end; never throws (the outcome goes to the consumer), then calls <paramref name="release"/>.</summary>
    public async Task RunAsync(IAsyncEnumerable<T> items, Func<ValueTask> release)
    {
        var token = _cancellation.Token;
        try
        {
            SocketIOError? error = null;
            try
            {
                var enumerator = items.GetAsyncEnumerator(token);
                try
                {
                    while (true)
                    {
                        // Credit first, then the next item: an item is only produced when it may be sent.
                        await TakeCreditAsync(token).ConfigureAwait(false);
                        if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        token.ThrowIfCancellationRequested();
                        await _peer.EmitAsync(SocketIOReservedNames.StreamItem, (_id, enumerator.Current, _typeInfo), s_writeItem).ConfigureAwait(false);
                    }
                }
                finally
                {
                    await enumerator.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                if (!_ownerCancellation.IsCancellationRequested || _peer.ConnectionClosed.IsCancellationRequested)
                {
                    // The consumer cancelled, or the connection closed: nobody is left to tell.
                    return;
                }

                // The uploader cancelled its upload: the consumer learns the stream was cancelled.
                error = new SocketIOError(SocketIOErrorCodes.StreamCancelled, $"The stream '{_eventName}' was cancelled by the producer.");
            }
            catch (OperationCanceledException)
            {
                // The producer stopped itself (its own token): the consumer learns the stream was cancelled.
                error = new SocketIOError(SocketIOErrorCodes.StreamCancelled, $"The stream '{_eventName}' was cancelled by the producer.");
            }
#pragma warning disable CA1031 // the producer's exception is the consumer's error; it must not escape a detached task
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LocalError = ex;
                if (!_ownerCancellation.CanBeCanceled)
                {
                    // Not an upload (whose caller gets the exception itself): nobody else sees it, so it is reported.
                    Report(ex);
                }

                // As for error acknowledgements, the exception's details stay on this side.
                error = new SocketIOError(SocketIOErrorCodes.HandlerError, $"An error occurred while streaming '{_eventName}'.");
            }

            if (!_peer.ConnectionClosed.IsCancellationRequested)
            {
                await (error is null
                    ? _peer.EmitAsync(SocketIOReservedNames.StreamEnd, _id, SocketStreamTable.WriteId)
                    : _peer.EmitAsync(SocketIOReservedNames.StreamEnd, (_id, error), SocketStreamTable.WriteError)).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // an emit failing because the socket just closed ends the stream the same way
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            _table.RemoveProducer(_id, this);
            _cancellation.Dispose();
            await release().ConfigureAwait(false);
        }
    }

    private void Report(Exception exception)
    {
        try
        {
            _peer.ReportStreamFailure(_eventName, exception);
        }
#pragma warning disable CA1031 // reporting must not keep the consumer from learning the stream ended
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async ValueTask TakeCreditAsync(CancellationToken token)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_credit > 0)
                {
                    _credit--;
                    return;
                }

                _creditWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _creditWaiter.Task;
            }

            await wait.WaitAsync(token).ConfigureAwait(false);
        }
    }

    private static readonly WriteArgumentsCallback<(string Id, T Item, JsonTypeInfo<T> TypeInfo)> s_writeItem =
        static (SocketIOArgumentWriter writer, in (string Id, T Item, JsonTypeInfo<T> TypeInfo) state) =>
        {
            writer.WriteString(state.Id);
            writer.Write(state.Item, state.TypeInfo);
        };
}
