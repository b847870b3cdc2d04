using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Typed.Shared;
using Typed.SocketIO.Contracts.Internal;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Streams for generated code: a contract method returning <c>IAsyncEnumerable&lt;T&gt;</c> is consumed by the
/// proxy (<see cref="Consume"/>) and produced by the binder (<see cref="ProduceAsync"/>), over ordinary events and
/// acknowledgements (the convention of docs/streaming.md):
/// <list type="bullet">
/// <item>the call: the event with its arguments and a last one, <c>{"$stream":"&lt;id&gt;","credit":N}</c>, asking an
/// acknowledgement; the producer acknowledges <c>{"$stream":"&lt;id&gt;"}</c> (or an error acknowledgement);</item>
/// <item>items: <c>$stream [id, item]</c>, one per event, never more than the credit granted;</item>
/// <item>credit: <c>$stream-ack [id, n]</c> from the consumer for n items taken;</item>
/// <item>the end: <c>$stream-end [id]</c>, or <c>$stream-end [id, {"$error":{code,message}}]</c>;</item>
/// <item>cancellation: <c>$stream-cancel [id]</c> from the consumer.</item>
/// </list>
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public static class SocketContractStreams
{
    /// <summary>The property of the call's last argument and of its acknowledgement that carries the stream id.</summary>
    public const string PropertyName = "$stream";

    /// <summary>
    /// The items of <paramref name="eventName"/> called on <paramref name="peer"/>. Nothing is sent until the result is
    /// enumerated; each enumeration is one call. Ending the enumeration early (<c>break</c>, an exception,
    /// <paramref name="cancellationToken"/> or the enumerator's token) cancels the stream at the producer.
    /// </summary>
    /// <remarks>
    /// The enumeration throws <see cref="SocketInvocationException"/> for an error acknowledgement or a stream that
    /// ended with an error, <see cref="SocketIODisconnectedException"/> when the connection closes first,
    /// <see cref="OperationCanceledException"/> when cancelled, <see cref="SocketIOAckTimeoutException"/> when the call
    /// is not acknowledged within <paramref name="timeout"/> (null: the socket's default).
    /// </remarks>
    /// <exception cref="NotSupportedException"><paramref name="peer"/> cannot carry streams (a room, a remote socket).</exception>
    public static IAsyncEnumerable<T> Consume<T, TState>(ISocketIOPeer peer, string eventName, TState state, WriteArgumentsCallback<TState> writeArguments, JsonTypeInfo<T> itemTypeInfo, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(writeArguments);
        ArgumentNullException.ThrowIfNull(itemTypeInfo);
        return ConsumeAsync(AsStreamPeer(peer), eventName, state, writeArguments, itemTypeInfo, timeout, cancellationToken);
    }

    /// <summary>
    /// Reads the stream request, argument <paramref name="index"/> of a call: <c>{"$stream":"&lt;id&gt;","credit":N}</c>
    /// (credit 0 when absent: the consumer grants it with <c>$stream-ack</c>).
    /// </summary>
    /// <exception cref="SocketIOBindingException">The argument is missing or not a stream request.</exception>
    public static (string Id, int Credit) ReadRequest(SocketIOArguments arguments, int index)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (index >= arguments.Count)
        {
            throw new SocketIOBindingException(PropertyName, index, "is missing: a streaming call ends with {\"$stream\":\"<id>\",\"credit\":N}.");
        }

        string? id = null;
        var credit = 0;
        var reader = new Utf8JsonReader(arguments.GetRawJson(index).Span);
        try
        {
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals(PropertyName);
                    var isCredit = reader.ValueTextEquals("credit"u8);
                    reader.Read();
                    if (isId && reader.TokenType == JsonTokenType.String)
                    {
                        id = reader.GetString();
                    }
                    else if (isCredit && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) && n > 0)
                    {
                        credit = n;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            id = null;
        }

        return id is { Length: > 0 }
            ? (id, credit)
            : throw new SocketIOBindingException(PropertyName, index, "is not a stream request {\"$stream\":\"<id>\",\"credit\":N}.");
    }

    /// <summary>
    /// Starts producing <paramref name="items"/> for the call <paramref name="call"/> received on
    /// <paramref name="source"/>: acknowledges it with the stream id and sends the items as the consumer grants credit,
    /// on the thread pool (the socket's handler returns at once, so the consumer's credit can be read). The enumerator
    /// gets a token cancelled by <c>$stream-cancel</c> or the connection closing; <paramref name="release"/> runs when
    /// the stream is over (or at once, when it cannot start).
    /// </summary>
    /// <exception cref="NotSupportedException"><paramref name="source"/> cannot carry streams.</exception>
    /// <exception cref="SocketIOBindingException">The peer already has a stream with that id.</exception>
    public static async ValueTask ProduceAsync<T>(ISocketIOEventSource source, ISocketIOEvent call, (string Id, int Credit) request, string eventName, IAsyncEnumerable<T> items, JsonTypeInfo<T> itemTypeInfo, Func<ValueTask> release)
    {
        ArgumentNullException.ThrowIfNull(release);
        StreamProducer<T> producer;
        try
        {
            ArgumentNullException.ThrowIfNull(source);
            ArgumentNullException.ThrowIfNull(call);
            ArgumentNullException.ThrowIfNull(items);
            ArgumentNullException.ThrowIfNull(itemTypeInfo);
            var peer = AsStreamPeer(source);
            var table = SocketStreamTable.For(peer);
            producer = new StreamProducer<T>(peer, table, request.Id, eventName, request.Credit, itemTypeInfo);
            if (!table.TryAddProducer(request.Id, producer))
            {
                throw new SocketIOBindingException(PropertyName, call.Arguments.Count - 1, $"names the stream '{request.Id}', which is still open.");
            }
        }
        catch
        {
            await release().ConfigureAwait(false);
            throw;
        }

        // Acknowledged before the first item is sent, so a consumer sees the acceptance first.
        call.Ack(request.Id, s_writeAccepted);
        _ = Task.Run(() => producer.RunAsync(items, release));
    }

    /// <summary>
    /// Uploads <paramref name="items"/> as the stream argument of <paramref name="eventName"/> called on
    /// <paramref name="peer"/>: the call carries the method's other arguments, then <c>{"$stream":"&lt;id&gt;"}</c>, and
    /// asks an acknowledgement (the method's result, sent when the receiver's method returns). Items go out as the
    /// receiver grants credit (<c>$stream-ack</c>), then <c>$stream-end</c>. Returns the acknowledgement's arguments.
    /// </summary>
    /// <remarks>
    /// Cancelling <paramref name="cancellationToken"/>, or no acknowledgement within <paramref name="timeout"/> (null: the
    /// socket's default; it bounds the whole upload), ends the upload at the receiver with <c>stream_cancelled</c>. When
    /// <paramref name="items"/> throws, the receiver's stream ends with <c>handler_error</c> and this call rethrows
    /// the exception once the receiver answers.
    /// </remarks>
    /// <exception cref="NotSupportedException"><paramref name="peer"/> cannot carry streams (a room, a remote socket).</exception>
    public static async Task<SocketIOArguments> UploadAsync<T, TState>(ISocketIOPeer peer, string eventName, IAsyncEnumerable<T> items, JsonTypeInfo<T> itemTypeInfo, TState state, WriteArgumentsCallback<TState> writeArguments, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(itemTypeInfo);
        ArgumentNullException.ThrowIfNull(writeArguments);
        var streamPeer = AsStreamPeer(peer);
        if (streamPeer.ConnectionClosed.IsCancellationRequested)
        {
            throw new SocketIODisconnectedException();
        }

        var table = SocketStreamTable.For(streamPeer);
        using var owner = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        StreamProducer<T> producer;
        string id;
        while (true)
        {
            // The producer table also holds the peer's ids (streams it calls on this side): skip one in use.
            id = table.NewId("u");
            producer = new StreamProducer<T>(streamPeer, table, id, eventName, initialCredit: 0, itemTypeInfo, owner.Token);
            if (table.TryAddProducer(id, producer))
            {
                break;
            }

            producer.Cancel();
        }

        // The producer waits for the receiver's first credit, which follows the call, so it can start now.
        _ = Task.Run(() => producer.RunAsync(items, static () => ValueTask.CompletedTask), CancellationToken.None);
        SocketIOArguments ack;
        try
        {
            ack = await peer.EmitWithAckAsync(eventName, (state, writeArguments, id), UploadCall<TState>.Write, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketInvocationException) when (producer.LocalError is { } local)
        {
            // The receiver failed because the items did: the uploader's own exception says more.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(local);
            throw;
        }
        catch
        {
            // Cancelled, timed out or disconnected: the receiver learns the upload was cancelled (unless the connection is gone).
            await owner.CancelAsync().ConfigureAwait(false);
            throw;
        }

        // The receiver answered: its method returned, so it wants nothing more (it also sent $stream-cancel).
        producer.Cancel();
        if (producer.LocalError is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return ack;
    }

    /// <summary>
    /// The upload stream argument of a call received on <paramref name="source"/>: argument <paramref name="index"/> is
    /// <c>{"$stream":"&lt;id&gt;"}</c>. Grants the uploader the window as credit; pass the result to
    /// <see cref="EndUploadAsync{T}"/> when the handler returns.
    /// </summary>
    /// <exception cref="SocketIOBindingException">The argument is not a stream request, or names an open stream.</exception>
    /// <exception cref="NotSupportedException"><paramref name="source"/> cannot carry streams.</exception>
    public static async ValueTask<IAsyncEnumerable<T>> ReceiveUploadAsync<T>(ISocketIOEventSource source, ISocketIOEvent call, int index, string eventName, JsonTypeInfo<T> itemTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(itemTypeInfo);
        var (id, _) = ReadRequest(call.Arguments, index);
        return await UploadStream<T>.StartAsync(AsStreamPeer(source), id, eventName, itemTypeInfo).ConfigureAwait(false)
            ?? throw new SocketIOBindingException(PropertyName, index, $"names the stream '{id}', which is still open.");
    }

    /// <summary>Ends an upload from <see cref="ReceiveUploadAsync{T}"/>: one not read to its end is cancelled at the uploader.</summary>
    public static ValueTask EndUploadAsync<T>(IAsyncEnumerable<T> upload) =>
        upload is UploadStream<T> stream ? stream.EndAsync() : ValueTask.CompletedTask;

    private static async IAsyncEnumerable<T> ConsumeAsync<T, TState>(ISocketIOStreamPeer peer, string eventName, TState state, WriteArgumentsCallback<TState> writeArguments, JsonTypeInfo<T> itemTypeInfo, TimeSpan? timeout, CancellationToken cancellationToken, [EnumeratorCancellation] CancellationToken enumeratorCancellation = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, enumeratorCancellation);
        var token = linked.Token;
        var connection = peer.ConnectionClosed;
        if (connection.IsCancellationRequested)
        {
            throw new SocketIODisconnectedException();
        }

        var window = Math.Max(1, peer.StreamWindow);
        var table = SocketStreamTable.For(peer);
        var consumer = new StreamConsumer<T>(eventName, itemTypeInfo, window);
        var id = table.AddConsumer(consumer);
        using var closed = connection.Register(static c => ((StreamConsumer<T>)c!).Fail(new SocketIODisconnectedException()), consumer);
        var finished = false;
        try
        {
            var ack = await peer.EmitWithAckAsync(eventName, (state, writeArguments, id, window), StreamCall<TState>.Write, timeout, token).ConfigureAwait(false);
            SocketContractArguments.ThrowIfError(eventName, ack);

            // Credit is returned in batches of half the window: fewer events, and the producer never starves.
            var batch = Math.Max(1, window / 2);
            var taken = 0;
            while (true)
            {
                var (hasItem, item) = await consumer.ReadAsync(token).ConfigureAwait(false);
                if (!hasItem)
                {
                    finished = true;
                    yield break;
                }

                yield return item;

                // Back here, the caller asked for the next item: this one is taken, and its place may be refilled.
                if (++taken >= batch)
                {
                    await peer.EmitAsync(SocketIOReservedNames.StreamAck, (id, taken), SocketStreamTable.WriteCredit).ConfigureAwait(false);
                    taken = 0;
                }
            }
        }
        finally
        {
            table.RemoveConsumer(id);
            if (!finished && !consumer.EndedByProducer && !connection.IsCancellationRequested)
            {
                try
                {
                    await peer.EmitAsync(SocketIOReservedNames.StreamCancel, id, SocketStreamTable.WriteId).ConfigureAwait(false);
                }
                catch (SocketIODisconnectedException)
                {
                    // Closed meanwhile: the producer stops with the connection.
                }
            }
        }
    }

    private static ISocketIOStreamPeer AsStreamPeer(object peer) => peer as ISocketIOStreamPeer
        ?? throw new NotSupportedException($"Streams need one connected socket on each end; {peer.GetType().Name} cannot carry them (a broadcast, a room or a remote socket).");

    private static readonly WriteArgumentsCallback<string> s_writeAccepted = static (SocketIOArgumentWriter writer, in string id) =>
    {
        writer.Json.WriteStartObject();
        writer.Json.WriteString(PropertyName, id);
        writer.Json.WriteEndObject();
    };

    /// <summary>An upload's arguments: the method's others, then <c>{"$stream":"&lt;id&gt;"}</c>.</summary>
    private static class UploadCall<TState>
    {
        public static readonly WriteArgumentsCallback<(TState State, WriteArgumentsCallback<TState> Write, string Id)> Write =
            static (SocketIOArgumentWriter writer, in (TState State, WriteArgumentsCallback<TState> Write, string Id) call) =>
            {
                call.Write(writer, call.State);
                writer.Json.WriteStartObject();
                writer.Json.WriteString(PropertyName, call.Id);
                writer.Json.WriteEndObject();
            };
    }

    /// <summary>The call's arguments: the method's, then the stream request.</summary>
    private static class StreamCall<TState>
    {
        public static readonly WriteArgumentsCallback<(TState State, WriteArgumentsCallback<TState> Write, string Id, int Credit)> Write =
            static (SocketIOArgumentWriter writer, in (TState State, WriteArgumentsCallback<TState> Write, string Id, int Credit) call) =>
            {
                call.Write(writer, call.State);
                writer.Json.WriteStartObject();
                writer.Json.WriteString(PropertyName, call.Id);
                writer.Json.WriteNumber("credit"u8, call.Credit);
                writer.Json.WriteEndObject();
            };
    }
}
