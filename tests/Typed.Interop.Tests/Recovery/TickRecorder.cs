using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Recovery;

/// <summary>
/// What a client socket observes during a recovery scenario: the numbered events it receives (their first argument),
/// whether each carried a string offset as its last argument, and its connections and disconnections. Waits are
/// event-driven (a signal on every change) and bounded.
/// </summary>
internal sealed class TickRecorder
{
    private readonly object _gate = new();
    private readonly List<int> _ticks = [];
    private readonly List<string?> _offsets = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connects;
    private int _disconnects;
    private int _recoveries;
    private int _withoutOffset;
    private readonly List<int> _sessionStarts = [];
    private readonly List<string> _history = [];
    private int _countAtLastConnect;

    public TickRecorder(SocketIOClientSocket socket, string eventName = "tick")
    {
        Socket = socket;
        socket.On(eventName, e =>
        {
            var n = e.Arguments.GetJsonElement(0).GetInt32();
            var hasOffset = e.Arguments.Count >= 2 && e.Arguments.GetRawJson(e.Arguments.Count - 1).Span[0] == (byte)'"';
            var offset = hasOffset ? e.Arguments.GetString(e.Arguments.Count - 1) : null;
            Change(() =>
            {
                _ticks.Add(n);
                _offsets.Add(offset);
                _withoutOffset += hasOffset ? 0 : 1;
            });
        });
        socket.Connected += s => Change(() =>
        {
            _connects++;
            _countAtLastConnect = _ticks.Count;
            _recoveries += s.Recovered ? 1 : 0;
            _history.Add($"{(s.Recovered ? "recovered" : "connected")}:{s.Id}@{_ticks.Count}");
            if (!s.Recovered)
            {
                _sessionStarts.Add(_ticks.Count); // a new session: what it receives starts here
            }
        });
        socket.Disconnected += (_, reason) => Change(() =>
        {
            _disconnects++;
            _history.Add($"disconnect:{reason}@{_ticks.Count}");
        });
    }

    public SocketIOClientSocket Socket { get; }

    public int[] Ticks
    {
        get
        {
            lock (_gate)
            {
                return [.. _ticks];
            }
        }
    }

    public int Count => Read(() => _ticks.Count);

    /// <summary>The ticks of each session (a connection that did not recover starts a new one), in order.</summary>
    public List<int[]> Sessions => Read(() => SplitBySession(_ticks));

    /// <summary>The offsets (last argument; null when there was none) of each session's ticks, as <see cref="Sessions"/>.</summary>
    public List<string?[]> SessionOffsets => Read(() => SplitBySession(_offsets));

    /// <summary>Where each session starts in <see cref="Ticks"/> (see <see cref="Sessions"/>).</summary>
    public int[] SessionStarts => Read(() => _sessionStarts.ToArray());

    /// <summary>The offsets of <see cref="Ticks"/>, one for one (null where an event had none).</summary>
    public string?[] Offsets => Read(() => _offsets.ToArray());

    public int Connects => Read(() => _connects);

    /// <summary>Whether the socket is connected and has received a packet since it last connected (it is in the flow).</summary>
    public bool ReceivingSinceLastConnect => Read(() => _ticks.Count > _countAtLastConnect) && Socket.IsConnected;

    public int Disconnects => Read(() => _disconnects);

    public int Recoveries => Read(() => _recoveries);

    /// <summary>Events that did not end with a string (the offset).</summary>
    public int WithoutOffset => Read(() => _withoutOffset);

    public bool Contains(int n) => Read(() => _ticks.Contains(n));

    /// <summary>The last tick received, 0 before any.</summary>
    public int LastTick => Read(() => _ticks.Count > 0 ? _ticks[^1] : 0);

    /// <summary>Connections and disconnections in order (with the socket id and the tick count at the time), for failure messages.</summary>
    public string History => Read(() => string.Join(", ", _history));

    /// <summary>Notes a moment of the scenario (the end of the cuts, the last packet) in the history.</summary>
    public void Mark(string what) => Change(() => _history.Add($"{what}@{_ticks.Count}"));

    public async Task WaitUntilAsync(Func<TickRecorder, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            // Checked after taking the signal: a change between the two wakes the wait at once.
            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}: {Count} ticks, {Connects} connects, {Disconnects} disconnects, {Recoveries} recoveries ({string.Join(", ", Read(() => _history.ToArray()))}).");
            }
        }
    }

    private List<T[]> SplitBySession<T>(List<T> received)
    {
        var sessions = new List<T[]>();
        for (var i = 0; i < _sessionStarts.Count; i++)
        {
            var end = i + 1 < _sessionStarts.Count ? _sessionStarts[i + 1] : received.Count;
            sessions.Add(received[_sessionStarts[i]..end].ToArray());
        }

        return sessions;
    }

    private T Read<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    private void Change(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
