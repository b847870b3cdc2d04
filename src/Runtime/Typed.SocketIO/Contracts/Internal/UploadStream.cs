using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Typed.Shared;

namespace Typed.SocketIO.Contracts.Internal;

/// <summary>
/// The receiving end of an upload (an <c>IAsyncEnumerable&lt;T&gt;</c> argument, docs/streaming.md): the handler's
/// argument. Registered under the uploader's id before the handler runs, it grants the window as initial credit
/// (<c>$stream-ack [id, window]</c>), then credit in batches of half the window as the handler takes items. It can be
/// enumerated once. <see cref="EndAsync"/> runs when the handler returns: an upload the handler did not read to its end
/// is cancelled (<c>$stream-cancel [id]</c>), so the uploader stops.
/// </summary>
internal sealed class UploadStream<T> : IAsyncEnumerable<T>
{
    private readonly ISocketIOStreamPeer _peer;
    private readonly SocketStreamTable _table;
    private readonly string _id;
    private readonly StreamConsumer<T> _consumer;
    private readonly int _window;
    private readonly CancellationTokenRegistration _closed;
    private int _enumerated;
    private int _ended;
    private volatile bool _finished;

    private UploadStream(ISocketIOStreamPeer peer, SocketStreamTable table, string id, string eventName, JsonTypeInfo<T> typeInfo, int window)
    {
        _peer = peer;
        _table = table;
        _id = id;
        _window = window;
        _consumer = new StreamConsumer<T>(eventName, typeInfo, window);
        _closed = peer.ConnectionClosed.Register(static c => ((StreamConsumer<T>)c!).Fail(new SocketIODisconnectedException()), _consumer);
    }

    /// <summary>Registers the upload <paramref name="id"/> of <paramref name="peer"/> and grants the initial credit; null when the id is in use.</summary>
    public static async ValueTask<UploadStream<T>?> StartAsync(ISocketIOStreamPeer peer, string id, string eventName, JsonTypeInfo<T> typeInfo)
    {
        var window = Math.Max(1, peer.StreamWindow);
        var table = SocketStreamTable.For(peer);
        var upload = new UploadStream<T>(peer, table, id, eventName, typeInfo, window);
        if (!table.TryAddConsumer(id, upload._consumer))
        {
            await upload._closed.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        if (!peer.ConnectionClosed.IsCancellationRequested)
        {
            await peer.EmitAsync(SocketIOReservedNames.StreamAck, (id, window), SocketStreamTable.WriteCredit).ConfigureAwait(false);
        }

        return upload;
    }

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        Interlocked.Exchange(ref _enumerated, 1) == 0
            ? ReadAsync().GetAsyncEnumerator(cancellationToken)
            : throw new InvalidOperationException("An upload stream can be enumerated once.");

    /// <summary>Ends the upload on this side: cancels it at the uploader unless it was read to its end or ended there.</summary>
    public async ValueTask EndAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        _table.RemoveConsumer(_id, _consumer);
        await _closed.DisposeAsync().ConfigureAwait(false);
        if (!_finished && !_consumer.EndedByProducer && !_peer.ConnectionClosed.IsCancellationRequested)
        {
            try
            {
                await _peer.EmitAsync(SocketIOReservedNames.StreamCancel, _id, SocketStreamTable.WriteId).ConfigureAwait(false);
            }
            catch (SocketIODisconnectedException)
            {
                // Closed meanwhile: the uploader stops with the connection.
            }
        }
    }

    private async IAsyncEnumerable<T> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Credit is returned in batches of half the window, as for the streams this side calls.
        var batch = Math.Max(1, _window / 2);
        var taken = 0;
        while (true)
        {
            var (hasItem, item) = await _consumer.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (!hasItem)
            {
                _finished = true;
                yield break;
            }

            yield return item;
            if (++taken >= batch && !_peer.ConnectionClosed.IsCancellationRequested)
            {
                await _peer.EmitAsync(SocketIOReservedNames.StreamAck, (_id, taken), SocketStreamTable.WriteCredit).ConfigureAwait(false);
                taken = 0;
            }
        }
    }
}
