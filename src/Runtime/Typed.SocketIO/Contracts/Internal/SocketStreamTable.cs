using System.Runtime.CompilerServices;
using System.Text.Json;
using Typed.Shared;

namespace Typed.SocketIO.Contracts.Internal;

/// <summary>
/// The streams of one socket: the stream events of docs/streaming.md are routed here by id, items and ends to the
/// consumers (the streams this side called, and the uploads it receives), credit and cancellation to the producers
/// (the streams the peer called, and the uploads this side sends). Each dictionary mixes ids this side chose and ids
/// the peer chose, so a peer's id already in use is refused and this side's own ids skip the peer's. One table per socket object, made
/// on the socket's first stream, so sockets that never stream register nothing.
/// </summary>
internal sealed class SocketStreamTable
{
    // Keyed by the socket object, so a socket needs no field for it and the table goes with the socket.
    private static readonly ConditionalWeakTable<ISocketIOStreamPeer, SocketStreamTable> s_tables = new();

    private readonly Dictionary<string, IStreamEndpoint> _consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IStreamEndpoint> _producers = new(StringComparer.Ordinal);
    private long _nextId;

    private SocketStreamTable(ISocketIOStreamPeer peer)
    {
        // The handlers only hand the event to a stream and return: the socket starts handlers in arrival order, so
        // a stream's items stay in order even when the socket runs handlers in parallel.
        peer.On(SocketIOReservedNames.StreamItem, e => Route(_consumers, e));
        peer.On(SocketIOReservedNames.StreamEnd, e => Route(_consumers, e));
        peer.On(SocketIOReservedNames.StreamAck, e => Route(_producers, e));
        peer.On(SocketIOReservedNames.StreamCancel, e => Route(_producers, e));
    }

    public static SocketStreamTable For(ISocketIOStreamPeer peer) => s_tables.GetValue(peer, static p => new SocketStreamTable(p));

    /// <summary>A new id for a stream this side consumes, registered with <paramref name="consumer"/>.</summary>
    public string AddConsumer(IStreamEndpoint consumer)
    {
        lock (_consumers)
        {
            // The peer's uploads share this id space (their ids are the peer's): skip an id it already uses.
            while (true)
            {
                var id = NewId("s");
                if (_consumers.TryAdd(id, consumer))
                {
                    return id;
                }
            }
        }
    }

    /// <summary>A fresh id with <paramref name="prefix"/> (<c>s</c>: a stream this side consumes, <c>u</c>: one it uploads).</summary>
    public string NewId(string prefix) => prefix + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Registers the consumer of the upload the peer opened as <paramref name="id"/>; false when that id is in use.</summary>
    public bool TryAddConsumer(string id, IStreamEndpoint consumer)
    {
        lock (_consumers)
        {
            return _consumers.TryAdd(id, consumer);
        }
    }

    /// <summary>Registers the producer of the stream the peer opened as <paramref name="id"/>; false when that id is in use.</summary>
    public bool TryAddProducer(string id, IStreamEndpoint producer)
    {
        lock (_producers)
        {
            return _producers.TryAdd(id, producer);
        }
    }

    public void RemoveConsumer(string id)
    {
        lock (_consumers)
        {
            _consumers.Remove(id);
        }
    }

    public void RemoveConsumer(string id, IStreamEndpoint consumer)
    {
        lock (_consumers)
        {
            // Only that consumer: the id may name another stream by now.
            if (_consumers.TryGetValue(id, out var current) && ReferenceEquals(current, consumer))
            {
                _consumers.Remove(id);
            }
        }
    }

    public void RemoveProducer(string id, IStreamEndpoint producer)
    {
        lock (_producers)
        {
            // Only that producer: the peer may reuse an id once its stream ended.
            if (_producers.TryGetValue(id, out var current) && ReferenceEquals(current, producer))
            {
                _producers.Remove(id);
            }
        }
    }

    private static ValueTask Route(Dictionary<string, IStreamEndpoint> streams, ISocketIOEvent e)
    {
        // An unknown id (a stream that already ended, or a peer's mistake) is dropped, as socket.io drops an ack
        // for an id it no longer waits for.
        if (e.Arguments.Count > 0 && e.Arguments.GetString(0) is { } id)
        {
            IStreamEndpoint? stream;
            lock (streams)
            {
                streams.TryGetValue(id, out stream);
            }

            stream?.OnEvent(e.EventName, e.Arguments);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Writes <c>[id]</c>: the arguments of a <c>$stream-end</c> or <c>$stream-cancel</c>.</summary>
    public static readonly WriteArgumentsCallback<string> WriteId = static (SocketIOArgumentWriter writer, in string id) => writer.WriteString(id);

    /// <summary>Writes <c>[id, credit]</c>: the arguments of a <c>$stream-ack</c>.</summary>
    public static readonly WriteArgumentsCallback<(string Id, int Credit)> WriteCredit = static (SocketIOArgumentWriter writer, in (string Id, int Credit) state) =>
    {
        writer.WriteString(state.Id);
        writer.WriteNumber(state.Credit);
    };

    /// <summary>Writes <c>[id, {"$error":{code,message}}]</c>: a <c>$stream-end</c> with an error.</summary>
    public static readonly WriteArgumentsCallback<(string Id, SocketIOError Error)> WriteError = static (SocketIOArgumentWriter writer, in (string Id, SocketIOError Error) state) =>
    {
        writer.WriteString(state.Id);
        Protocol.SocketIOErrorAck.Write(writer.Json, state.Error);
    };

    /// <summary>Reads argument <paramref name="index"/> as a positive credit, or 0 when it is not one.</summary>
    public static int ReadCredit(SocketIOArguments arguments, int index)
    {
        if (index >= arguments.Count)
        {
            return 0;
        }

        var reader = new Utf8JsonReader(arguments.GetRawJson(index).Span);
        return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var credit) && credit > 0 ? credit : 0;
    }
}
