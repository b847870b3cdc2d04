using System.Globalization;

namespace Typed.SocketIO.Internal;

/// <summary>
/// The in-memory half of connection state recovery for one namespace: the replayable packets sent lately (numbered by
/// a sequence, whose decimal form is the offset the client sees) and the sessions of sockets that left unexpectedly.
/// Every member expects <see cref="Gate"/> held: the adapter holds it across numbering, logging and delivering a
/// packet, and across replaying and rejoining on a restore, so the two never interleave.
/// </summary>
internal sealed class RecoveryBuffer(SocketIOConnectionStateRecoveryOptions options)
{
    private readonly Queue<Entry> _entries = new();
    private readonly Dictionary<string, SocketIOSession> _sessions = new(StringComparer.Ordinal);
    private long _nextSeq = 1;
    private long _bytes;

    public object Gate { get; } = new();

    public SocketIOConnectionStateRecoveryOptions Options => options;

    /// <summary>The sequence number the next packet gets.</summary>
    public long NextSequence => _nextSeq;

    public int SessionCount => _sessions.Count;

    public int PacketCount => _entries.Count;

    public void Append(List<EngineIOOutgoingPacket> encoded, SocketIOBroadcastOptions target)
    {
        long bytes = 0;
        foreach (var packet in encoded)
        {
            bytes += packet.Encoded.Length;
        }

        _entries.Enqueue(new Entry(
            _nextSeq++,
            encoded,
            bytes,
            target.Rooms is { Count: > 0 } rooms ? [.. rooms] : [],
            target.Except is { Count: > 0 } except ? [.. except] : [],
            Environment.TickCount64));
        _bytes += bytes;

        // The buffer is bounded whatever the traffic (BAD-INPUTS F6): the oldest packets go first.
        while (_entries.Count > options.MaxBufferedPackets || _bytes > options.MaxBufferedBytes)
        {
            _bytes -= _entries.Dequeue().Bytes;
        }
    }

    public void Persist(SocketIOSession session) => _sessions[session.Pid] = session;

    /// <summary>Removes the session (a pid is single-use) and returns it when still valid; else null and why.</summary>
    public SocketIOSession? Take(string pid, string offset, DateTimeOffset now, out string? reason)
    {
        if (!_sessions.Remove(pid, out var session))
        {
            reason = "unknown or already used session";
            return null;
        }

        if (session.DisconnectedAt + options.MaxDisconnectionDuration < now)
        {
            reason = "session expired";
            return null;
        }

        if (!TryCollect(session.Rooms, offset, out _, out reason))
        {
            return null;
        }

        return session;
    }

    /// <summary>
    /// The packets for <paramref name="rooms"/> after <paramref name="offset"/>, in order; false when some left the
    /// buffer, the offset is not one of ours, or they pass the per-session caps.
    /// </summary>
    public bool TryCollect(IReadOnlyCollection<string> rooms, string offset, out List<List<EngineIOOutgoingPacket>> missed, out string? reason)
    {
        missed = [];
        var first = _entries.Count > 0 ? _entries.Peek().Seq : _nextSeq;

        // The offset's own packet may have left the buffer: what matters is that none after it did.
        if (!long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < first - 1 || seq >= _nextSeq)
        {
            reason = "offset unknown or too old";
            return false;
        }

        long bytes = 0;
        foreach (var entry in _entries)
        {
            if (entry.Seq <= seq || !Includes(entry, rooms))
            {
                continue;
            }

            bytes += entry.Bytes;
            if (missed.Count >= options.MaxPacketsPerSession || bytes > options.MaxBytesPerSession)
            {
                reason = "the session missed more than MaxPacketsPerSession packets or MaxBytesPerSession bytes";
                return false;
            }

            missed.Add(entry.Encoded);
        }

        reason = null;
        return true;
    }

    /// <summary>Forgets expired sessions and packets older than the window (the one sweep timer calls this).</summary>
    public void Sweep(DateTimeOffset now)
    {
        List<string>? expired = null;
        foreach (var (pid, session) in _sessions)
        {
            if (session.DisconnectedAt + options.MaxDisconnectionDuration < now)
            {
                (expired ??= []).Add(pid);
            }
        }

        if (expired is not null)
        {
            foreach (var pid in expired)
            {
                _sessions.Remove(pid);
            }
        }

        var threshold = Environment.TickCount64 - (long)options.MaxDisconnectionDuration.TotalMilliseconds;
        while (_entries.Count > 0 && _entries.Peek().Timestamp < threshold)
        {
            _bytes -= _entries.Dequeue().Bytes;
        }
    }

    public static string FormatOffset(long seq) => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>socket.io's <c>shouldIncludePacket</c>: aimed at one of the rooms (or all), and not at an excepted one.</summary>
    private static bool Includes(Entry entry, IReadOnlyCollection<string> rooms)
    {
        var included = entry.Rooms.Length == 0;
        foreach (var room in rooms)
        {
            if (Array.IndexOf(entry.Except, room) >= 0)
            {
                return false;
            }

            included = included || Array.IndexOf(entry.Rooms, room) >= 0;
        }

        return included;
    }

    private sealed record Entry(long Seq, List<EngineIOOutgoingPacket> Encoded, long Bytes, string[] Rooms, string[] Except, long Timestamp);
}
