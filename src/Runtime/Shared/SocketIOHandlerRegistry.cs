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

        // Wrapped in an object that remembers the original, so Off(eventName, handler) finds it again.
        return On(eventName, new SyncHandler(handler).InvokeAsync);
    }

    /// <summary>Handles the next <paramref name="eventName"/> only (socket.io's <c>once</c>): removed before it runs.</summary>
    public IDisposable Once(string eventName, Delegate original, Func<TEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var once = new OnceHandler(original, handler);
        var subscription = On(eventName, once.InvokeAsync);
        once.Attach(subscription);
        return subscription;
    }

    /// <summary>
    /// Removes the handlers of <paramref name="eventName"/> registered as <paramref name="handler"/> (through On or
    /// Once); true when one was there.
    /// </summary>
    public bool Off(string eventName, Delegate handler)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            if (!_handlers.TryGetValue(eventName, out var existing))
            {
                return false;
            }

            var remaining = Array.FindAll(existing, h => !IsRegistrationOf(h, handler));
            if (remaining.Length == existing.Length)
            {
                return false;
            }

            var handlers = new Dictionary<string, Func<TEvent, ValueTask>[]>(_handlers, StringComparer.Ordinal);
            if (remaining.Length == 0)
            {
                handlers.Remove(eventName);
            }
            else
            {
                handlers[eventName] = remaining;
            }

            _handlers = handlers;
            return true;
        }
    }

    /// <summary>Removes every handler of <paramref name="eventName"/>; true when there was one.</summary>
    public bool Off(string eventName)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        lock (_gate)
        {
            if (!_handlers.ContainsKey(eventName))
            {
                return false;
            }

            var handlers = new Dictionary<string, Func<TEvent, ValueTask>[]>(_handlers, StringComparer.Ordinal);
            handlers.Remove(eventName);
            _handlers = handlers;
            return true;
        }
    }

    /// <summary>Removes the catch-all <paramref name="handler"/> (every catch-all handler when null); true when one was there.</summary>
    public bool OffAny(Func<TEvent, ValueTask>? handler)
    {
        lock (_gate)
        {
            var remaining = handler is null ? [] : Array.FindAll(_anyHandlers, h => h != handler);
            var removed = remaining.Length != _anyHandlers.Length;
            _anyHandlers = remaining;
            return removed;
        }
    }

    /// <summary>The number of handlers of <paramref name="eventName"/> (catch-all ones not counted).</summary>
    public int ListenerCount(string eventName) =>
        Volatile.Read(ref _handlers).TryGetValue(eventName, out var handlers) ? handlers.Length : 0;

    /// <summary>A catch-all handler that runs before those already registered (socket.io's <c>prependAny</c>).</summary>
    public IDisposable PrependAny(Func<TEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _anyHandlers = [handler, .. _anyHandlers];
        }

        return new Subscription(() =>
        {
            lock (_gate)
            {
                _anyHandlers = Array.FindAll(_anyHandlers, h => h != handler);
            }
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

    /// <summary>Whether the registered delegate <paramref name="registered"/> stands for <paramref name="handler"/>: itself, or a wrapper of it.</summary>
    private static bool IsRegistrationOf(Func<TEvent, ValueTask> registered, Delegate handler) =>
        registered.Equals(handler) || (registered.Target is IWrappedHandler wrapped && wrapped.Original.Equals(handler));

    /// <summary>A handler registered in another shape than the one the application gave: remembers that one.</summary>
    private interface IWrappedHandler
    {
        Delegate Original { get; }
    }

    private sealed class SyncHandler(Action<TEvent> handler) : IWrappedHandler
    {
        public Delegate Original => handler;

        public ValueTask InvokeAsync(TEvent e)
        {
            handler(e);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// A handler for one event: events dispatched in parallel could both reach it before it is removed, so only the
    /// first one that claims it runs it.
    /// </summary>
    private sealed class OnceHandler(Delegate original, Func<TEvent, ValueTask> handler) : IWrappedHandler
    {
        private int _fired;

        public Delegate Original => original;

        private IDisposable? _subscription;

        /// <summary>Its registration: an event dispatched before this is known removes it here instead.</summary>
        public void Attach(IDisposable subscription)
        {
            Volatile.Write(ref _subscription, subscription);
            if (Volatile.Read(ref _fired) != 0)
            {
                subscription.Dispose();
            }
        }

        public ValueTask InvokeAsync(TEvent e)
        {
            if (Interlocked.Exchange(ref _fired, 1) != 0)
            {
                return ValueTask.CompletedTask;
            }

            Volatile.Read(ref _subscription)?.Dispose();
            return handler(e);
        }
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
