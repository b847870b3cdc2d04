using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Typed.Shared;

namespace Typed.SocketIO.Contracts.Internal;

/// <summary>
/// The receiving end of a stream: items are read as they arrive (while the socket's handler runs, so the arguments
/// are still valid) and queued; the queue never holds more than the window, because the producer only sends against
/// credit and credit is granted only for items taken. A producer that sends more breaks the convention and the
/// stream fails rather than grow.
/// </summary>
internal sealed class StreamConsumer<T> : IStreamEndpoint
{
    private readonly string _eventName;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly int _window;
    private readonly Queue<T> _items = new();
    private readonly object _gate = new();
    private TaskCompletionSource? _waiter;
    private bool _ended;
    private Exception? _error;

    public StreamConsumer(string eventName, JsonTypeInfo<T> typeInfo, int window)
    {
        _eventName = eventName;
        _typeInfo = typeInfo;
        _window = window;
    }

    /// <summary>Whether the producer ended the stream (completed or failed): nothing to cancel.</summary>
    public bool EndedByProducer { get; private set; }

    public void OnEvent(string eventName, SocketIOArguments arguments)
    {
        if (eventName == SocketIOReservedNames.StreamItem)
        {
            T? item;
            try
            {
                item = SocketContractArguments.Read(arguments, 1, _typeInfo, "item", allowNull: true);
            }
            catch (SocketIOBindingException ex)
            {
                End(ex, byProducer: false);
                return;
            }

            Add(item!);
        }
        else if (eventName == SocketIOReservedNames.StreamEnd)
        {
            End(ReadError(arguments) is { } error ? new SocketInvocationException(_eventName, error) : null, byProducer: true);
        }
    }

    /// <summary>Ends the stream from this side (the connection closed): the reader gets <paramref name="error"/>.</summary>
    public void Fail(Exception error) => End(error, byProducer: false);

    /// <summary>The next item; false at the end of the stream. Throws the stream's error.</summary>
    public async ValueTask<(bool HasItem, T Item)> ReadAsync(CancellationToken cancellationToken)
    {
        // Cancellation wins over items already queued: the caller asked to stop.
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_items.Count > 0)
                {
                    return (true, _items.Dequeue());
                }

                if (_ended)
                {
                    return _error is null ? (false, default!) : throw _error;
                }

                _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Add(T item)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            if (_items.Count >= _window)
            {
                // More than the credit granted: memory must stay bounded, so the stream fails instead.
                _ended = true;
                _error = new InvalidOperationException($"The producer of '{_eventName}' sent more items than the {_window} it was granted.");
            }
            else
            {
                _items.Enqueue(item);
            }

            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    private void End(Exception? error, bool byProducer)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _error = error;
            EndedByProducer = byProducer;
            waiter = _waiter;
            _waiter = null;
        }

        waiter?.TrySetResult();
    }

    /// <summary>The <c>{"$error":{code,message}}</c> of a <c>$stream-end [id, error]</c>, or null for a normal end.</summary>
    private static SocketIOError? ReadError(SocketIOArguments arguments)
    {
        if (arguments.Count < 2)
        {
            return null;
        }

        try
        {
            // JsonElement needs no serializer metadata, so this stays AOT-safe.
            var value = arguments.GetJsonElement(1);
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(Protocol.SocketIOErrorAck.PropertyName, out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : new SocketIOError(SocketIOErrorCodes.HandlerError, "The stream ended with an error.");
            }

            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : SocketIOErrorCodes.HandlerError;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "The stream ended with an error.";
            return new SocketIOError(code, message);
        }
        catch (JsonException)
        {
            return new SocketIOError(SocketIOErrorCodes.HandlerError, "The stream ended with an error.");
        }
    }
}
