using System.Text.Json;

namespace Typed.SocketIO.Client;

/// <summary>Sending: plain, volatile and acknowledged emits, buffered while disconnected, retried when configured.</summary>
public sealed partial class SocketIOClientSocket
{
    /// <summary>
    /// Emits <paramref name="eventName"/> with <paramref name="args"/> (serialized at once, so later changes to them
    /// are not seen). While disconnected the emit is buffered and sent on connect, unless buffering is off.
    /// With <see cref="SocketIOClientSocketOptions.Retries"/>, it is delivered at least once, in order.
    /// </summary>
    /// <exception cref="ArgumentException">The name is reserved (connect, disconnect…).</exception>
    /// <exception cref="SocketIODisconnectedException">Disconnected, and <see cref="SocketIOClientSocketOptions.BufferWhileDisconnected"/> is false.</exception>
    public void Emit(string eventName, params object?[] args)
    {
        SocketIOPayloadWriter.ValidateEventName(eventName);
        args = SocketIOPayloadWriter.NormalizeArguments(args);
        EmitCore(args, SocketIOPayloadWriter.CreateEvent(Namespace, eventName, args, ackId: null, JsonOptions), isVolatile: false);
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> only if it can be written now: while disconnected it is dropped, not
    /// buffered (socket.io-client's <c>socket.volatile.emit</c>). Never retried.
    /// </summary>
    public void EmitVolatile(string eventName, params object?[] args)
    {
        SocketIOPayloadWriter.ValidateEventName(eventName);
        args = SocketIOPayloadWriter.NormalizeArguments(args);
        EmitCore(args, SocketIOPayloadWriter.CreateEvent(Namespace, eventName, args, ackId: null, JsonOptions), isVolatile: true);
    }

    /// <summary>
    /// Emits <paramref name="eventName"/> and completes with the server's acknowledgement. Fails with
    /// <see cref="SocketIOAckTimeoutException"/> after <paramref name="timeout"/> (default
    /// <see cref="SocketIOClientSocketOptions.AckTimeout"/>, 30 s; none when both are null), with
    /// <see cref="SocketInvocationException"/> at once when the server answers with an error acknowledgement (its
    /// handler threw, the arguments did not bind, or no handler knows the event), with
    /// <see cref="SocketIODisconnectedException"/> if the socket disconnects after sending it, and is cancelled by
    /// <paramref name="cancellationToken"/>. With <see cref="SocketIOClientSocketOptions.Retries"/>, a timeout or a
    /// disconnect sends it again, up to that many times, before failing.
    /// </summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, object?[] args, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        SocketIOPayloadWriter.ValidateEventName(eventName);
        ValidateTimeout(timeout);
        args = SocketIOPayloadWriter.NormalizeArguments(args);
        var payload = SocketIOPayloadWriter.CreateEvent(Namespace, eventName, args, ackId: null, JsonOptions);
        return EmitWithAckCore(args, payload, timeout, cancellationToken);
    }

    /// <summary>Emits with an acknowledgement awaited for at most <paramref name="timeout"/>.</summary>
    public Task<SocketIOArguments> EmitWithAckAsync(string eventName, TimeSpan timeout, params object?[] args) =>
        EmitWithAckAsync(eventName, args, timeout);

    JsonSerializerOptions ISocketIOEmitter.JsonSerializerOptions => JsonOptions;

    JsonSerializerOptions ISocketIOEventSource.JsonSerializerOptions => JsonOptions;

    // Typed emits (generated proxies): the arguments are written straight into the packet, then go the same way.
    ValueTask ISocketIOEmitter.EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments)
    {
        EmitCore(args: null, SocketIOPayloadWriter.CreateEvent(Namespace, eventName, state, writeArguments, ackId: null), isVolatile: false);
        return ValueTask.CompletedTask;
    }

    Task<SocketIOArguments> ISocketIOPeer.EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ValidateTimeout(timeout);
        var payload = SocketIOPayloadWriter.CreateEvent(Namespace, eventName, state, writeArguments, ackId: null);
        return EmitWithAckCore(args: null, payload, timeout, cancellationToken);
    }

    CancellationToken ISocketIOStreamPeer.ConnectionClosed
    {
        get
        {
            lock (_gate)
            {
                // While disconnected there is no connection to carry a stream: an already cancelled token.
                return _connectionClosed?.Token ?? new CancellationToken(canceled: true);
            }
        }
    }

    int ISocketIOStreamPeer.StreamWindow => _options.StreamWindow;

    void ISocketIOStreamPeer.ReportStreamFailure(string eventName, Exception exception) => Client.ReportHandlerFailure(eventName, exception);

    IDisposable ISocketIOEventSource.On(string eventName, Func<ISocketIOEvent, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventName, handler.Invoke);
    }

    private static void ValidateTimeout(TimeSpan? timeout)
    {
        if (timeout is { } given)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(given, TimeSpan.Zero, nameof(timeout));
        }
    }

    /// <summary>A packet without acknowledgement: into the retry queue when retries are on, else written or buffered.</summary>
    private void EmitCore(object?[]? args, SocketIOPacket payload, bool isVolatile)
    {
        if (_options.Retries > 0 && !isVolatile)
        {
            _ = _retryQueue.Add(args, payload, timeout: null, CancellationToken.None, observed: false);
            return;
        }

        SendOrBuffer(args, payload, isVolatile);
    }

    private Task<SocketIOArguments> EmitWithAckCore(object?[]? args, SocketIOPacket payload, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (_options.Retries > 0)
        {
            return _retryQueue.Add(args, payload, timeout, cancellationToken, observed: true);
        }

        var pending = new PendingAck(this, NextAckId(), payload.EventName!);
        lock (_gate)
        {
            _acks[pending.Id] = pending;
        }

        try
        {
            SendOrBuffer(args, payload.WithAckId(pending.Id), isVolatile: false);
        }
        catch (Exception ex)
        {
            ((IPendingAckOwner)this).RemoveAck(pending.Id, pending);
            return Task.FromException<SocketIOArguments>(ex);
        }

        pending.StartTimer(timeout ?? _options.AckTimeout, cancellationToken);
        return pending.Task;
    }

    /// <summary>Writes the packet if connected; otherwise buffers it, drops it (volatile) or refuses it (buffering off).</summary>
    private void SendOrBuffer(object?[]? args, SocketIOPacket packet, bool isVolatile)
    {
        lock (_gate)
        {
            // Under the socket's lock: emits from several threads reach the connection in one order, after the buffer.
            if (_connected)
            {
                NotifyOutgoing(args, packet);
                Client.Send(packet);
            }
            else if (isVolatile)
            {
                // dropped, by definition of a volatile emit
            }
            else if (_options.BufferWhileDisconnected)
            {
                _sendBuffer.Add(new BufferedEmit(args, packet));
            }
            else
            {
                throw new SocketIODisconnectedException();
            }
        }
    }

    /// <summary>
    /// socket.io-client's retry queue: one emit in flight at a time, each try with a fresh acknowledgement id; the
    /// head is removed when acknowledged, or when its tries are used up; a reconnection sends the head again.
    /// </summary>
    private sealed class RetryQueue(SocketIOClientSocket socket, int retries)
    {
        private readonly Queue<Entry> _entries = new();

        /// <summary>Queues <paramref name="payload"/> (serialized once: each try re-sends it under a new acknowledgement id).</summary>
        public Task<SocketIOArguments> Add(object?[]? args, SocketIOPacket payload, TimeSpan? timeout, CancellationToken cancellationToken, bool observed)
        {
            var entry = new Entry(args, payload, timeout ?? socket._options.AckTimeout, cancellationToken);
            if (!observed)
            {
                // A plain emit has nobody awaiting its outcome; its failure is reported, not thrown.
                entry.Completion.Task.ContinueWith(
                    static (t, state) => ((SocketIOClientSocket)state!).Client.ReportHandlerFailure("emit retries", t.Exception!.InnerException!),
                    socket, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (cancellationToken.CanBeCanceled)
            {
                // Released when the entry settles, however it settles: a long-lived token must not keep every emit.
                entry.Register(cancellationToken.Register(static state =>
                {
                    var (queue, entry) = ((RetryQueue, Entry))state!;
                    queue.Cancel(entry);
                }, (this, entry)));
            }

            lock (_entries)
            {
                _entries.Enqueue(entry);
            }

            Drain(force: false);
            return entry.Completion.Task;
        }

        /// <summary>Sends the head if connected and (unless forced, after a reconnection) not already in flight.</summary>
        public void Drain(bool force)
        {
            Entry head;
            PendingAck pending;
            lock (_entries)
            {
                if (!_entries.TryPeek(out head!) || (head.InFlight && !force) || !socket.IsConnected)
                {
                    return;
                }

                head.InFlight = true;
                head.Tries++;
                pending = new PendingAck(socket, socket.NextAckId(), head.Payload.EventName!);
                head.Current = pending;
            }

            lock (socket._gate)
            {
                socket._acks[pending.Id] = pending;
            }

            pending.Task.ContinueWith(
                static (t, state) =>
                {
                    var (queue, entry) = ((RetryQueue, Entry))state!;
                    queue.OnTryEnded(entry, t);
                },
                (this, head), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            pending.StartTimer(head.Timeout, CancellationToken.None);
            socket.SendOrBuffer(head.Arguments, head.Payload.WithAckId(pending.Id), isVolatile: false);
        }

        public void FailAll(Exception exception)
        {
            Entry[] entries;
            lock (_entries)
            {
                entries = [.. _entries];
                _entries.Clear();
            }

            foreach (var entry in entries)
            {
                entry.Release();
                entry.Completion.TrySetException(exception);
            }
        }

        private void OnTryEnded(Entry entry, Task<SocketIOArguments> attempt)
        {
            lock (_entries)
            {
                if (!_entries.TryPeek(out var head) || head != entry || entry.Current != null && attempt != entry.Current.Task)
                {
                    return; // already settled (cancelled, or acknowledged by an earlier try)
                }

                if (attempt.IsCompletedSuccessfully)
                {
                    _entries.Dequeue();
                    entry.Release();
                    entry.Completion.TrySetResult(attempt.Result);
                }
                else if (entry.Tries > retries || attempt.Exception?.InnerException is SocketInvocationException)
                {
                    // An error acknowledgement is the server's answer: sending the event again would not change it.
                    _entries.Dequeue();
                    entry.Release();
                    entry.Completion.TrySetException(attempt.Exception?.InnerException ?? new SocketIOAckTimeoutException());
                }

                entry.InFlight = false;
            }

            Drain(force: false);
        }

        private void Cancel(Entry entry)
        {
            lock (_entries)
            {
                if (!entry.Completion.TrySetCanceled(entry.CancellationToken))
                {
                    return;
                }

                entry.Release();

                var remaining = _entries.Where(e => e != entry).ToArray();
                _entries.Clear();
                foreach (var e in remaining)
                {
                    _entries.Enqueue(e);
                }
            }

            Drain(force: false);
        }

        private sealed class Entry(object?[]? arguments, SocketIOPacket payload, TimeSpan? timeout, CancellationToken cancellationToken)
        {
            public object?[]? Arguments { get; } = arguments;

            public SocketIOPacket Payload { get; } = payload;

            public TimeSpan? Timeout { get; } = timeout;

            public CancellationToken CancellationToken { get; } = cancellationToken;

            public TaskCompletionSource<SocketIOArguments> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public bool InFlight { get; set; }

            public int Tries { get; set; }

            public PendingAck? Current { get; set; }

            private readonly object _gate = new();
            private CancellationTokenRegistration _registration;
            private bool _released;

            /// <summary>Keeps the registration on the caller's token until <see cref="Release"/> (at once if already released).</summary>
            public void Register(CancellationTokenRegistration registration)
            {
                lock (_gate)
                {
                    if (!_released)
                    {
                        _registration = registration;
                        return;
                    }
                }

                registration.Dispose();
            }

            /// <summary>
            /// The entry settles: its registration on the caller's token goes now, before anyone sees the outcome, so a
            /// long-lived token does not keep every emit it was passed to.
            /// </summary>
            public void Release()
            {
                CancellationTokenRegistration registration;
                lock (_gate)
                {
                    _released = true;
                    registration = _registration;
                    _registration = default;
                }

                // From the token's own callback (Cancel) this neither waits nor throws.
                registration.Dispose();
            }
        }
    }
}
