namespace Typed.SocketIO.Internal;

/// <summary>
/// The event handlers of one socket (server or client side): per-event handlers, catch-all handlers, and outgoing
/// listeners. Registration copies on write, so dispatch reads a stable snapshot without a lock; each registration
/// returns the <see cref="IDisposable"/> that removes it.
/// </summary>
/// <typeparam name="TEvent">What a handler receives: the side's event context.</typeparam>
internal sealed class SocketIOHandlerRegistry<TEvent>
{
    private readonly object _gate = new();
    private Dictionary<string, Func<TEvent, ValueTask>[]> _handlers = new(StringComparer.Ordinal);
    private Func<TEvent, ValueTask>[] _anyHandlers = [];
    private Action<string, IReadOnlyList<object?>>[] _outgoingHandlers = [];

    /// <summary>Whether any outgoing listener is registered (so emitters can skip building the notification).</summary>
    public bool HasOutgoingHandlers => Volatile.Read(ref _outgoingHandlers).Length > 0;

    public IDisposable On(string eventName, Func<TEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            var handlers = new Dictionary<string, Func<TEvent, ValueTask>[]>(_handlers, StringComparer.Ordinal);
            handlers[eventName] = handlers.TryGetValue(eventName, out var existing) ? [.. existing, handler] : [handler];
            _handlers = handlers;
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                if (_handlers.TryGetValue(eventName, out var existing))
                {
                    var handlers = new Dictionary<string, Func<TEvent, ValueTask>[]>(_handlers, StringComparer.Ordinal);
                    var remaining = Array.FindAll(existing, h => h != handler);
                    if (remaining.Length == 0)
                    {
                        handlers.Remove(eventName);
                    }
                    else
                    {
                        handlers[eventName] = remaining;
                    }

                    _handlers = handlers;
                }
            }
        });
    }

    public IDisposable On(string eventName, Action<TEvent> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventName, e =>
        {
            handler(e);
            return ValueTask.CompletedTask;
        });
    }

    public IDisposable OnAny(Func<TEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _anyHandlers = [.. _anyHandlers, handler];
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _anyHandlers = Array.FindAll(_anyHandlers, h => h != handler);
            }
        });
    }

    public IDisposable OnAnyOutgoing(Action<string, IReadOnlyList<object?>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _outgoingHandlers = [.. _outgoingHandlers, handler];
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _outgoingHandlers = Array.FindAll(_outgoingHandlers, h => h != handler);
            }
        });
    }

    /// <summary>Whether an event named <paramref name="eventName"/> reaches any handler: its own or a catch-all one.</summary>
    public bool Handles(string eventName) =>
        Volatile.Read(ref _anyHandlers).Length > 0 || Volatile.Read(ref _handlers).ContainsKey(eventName);

    /// <summary>Whether <paramref name="eventName"/> has handlers of its own (catch-all ones not counted).</summary>
    public bool HasHandlerFor(string eventName) => Volatile.Read(ref _handlers).ContainsKey(eventName);

    /// <summary>Runs the catch-all handlers, then those of <paramref name="eventName"/>, one after the other.</summary>
    public async ValueTask InvokeAsync(string eventName, TEvent e)
    {
        foreach (var handler in Volatile.Read(ref _anyHandlers))
        {
            await handler(e).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _handlers).TryGetValue(eventName, out var handlers))
        {
            foreach (var handler in handlers)
            {
                await handler(e).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Tells every outgoing listener about an emit; a listener that throws is reported and skipped.</summary>
    public void NotifyOutgoing(string eventName, IReadOnlyList<object?> args, Action<Exception> onError)
    {
        foreach (var handler in Volatile.Read(ref _outgoingHandlers))
        {
            try
            {
                handler(eventName, args);
            }
            catch (Exception ex)
            {
                onError(ex);
            }
        }
    }

    /// <summary>
    /// Tells the outgoing listeners about a typed emit, whose arguments exist only as the packet's JSON: listeners see
    /// them as <see cref="System.Text.Json.JsonElement"/>s or, for binaries, bytes. Nothing is decoded without listeners.
    /// </summary>
    public void NotifyOutgoing(SocketIOPacket packet, Action<Exception> onError)
    {
        if (!HasOutgoingHandlers)
        {
            return;
        }

        var arguments = SocketIOArguments.FromEvent(packet);
        var values = new object?[arguments.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = arguments.IsBinary(i) ? arguments.GetBytes(i) : arguments.GetJsonElement(i);
        }

        NotifyOutgoing(packet.EventName!, values, onError);
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
