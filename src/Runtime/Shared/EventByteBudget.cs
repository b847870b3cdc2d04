namespace Typed.SocketIO.Internal;

/// <summary>
/// A byte count with a ceiling, charged by received events until their handlers finish. One per socket, and on the
/// server one per connection that its sockets share, so a client cannot multiply the per-socket bound by joining many
/// namespaces. Thread-safe and lock-free.
/// </summary>
internal sealed class EventByteBudget
{
    private readonly long _limit;
    private long _used;

    /// <param name="limit">Most bytes charged at once.</param>
    public EventByteBudget(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
    }

    /// <summary>
    /// What a received event is charged besides its payload: its context, its arguments and the state machine of
    /// the handler that runs it. It makes the byte bound also bound how many tiny events may be running at once.
    /// </summary>
    public const int EventOverheadBytes = 256;

    /// <summary>What <paramref name="packet"/> is charged: its JSON (or transcoded) data, its attachments, the overhead.</summary>
    public static long Measure(SocketIOPacket packet)
    {
        long bytes = EventOverheadBytes + packet.Data.Length;
        foreach (var attachment in packet.Attachments)
        {
            bytes += attachment.Length;
        }

        return bytes;
    }

    /// <summary>Bytes charged now.</summary>
    public long Used => Volatile.Read(ref _used);

    /// <summary>Charges <paramref name="bytes"/> unless that would pass the ceiling.</summary>
    public bool TryCharge(long bytes)
    {
        var used = Volatile.Read(ref _used);
        while (true)
        {
            if (used + bytes > _limit)
            {
                return false;
            }

            var seen = Interlocked.CompareExchange(ref _used, used + bytes, used);
            if (seen == used)
            {
                return true;
            }

            used = seen;
        }
    }

    /// <summary>Gives back bytes charged by <see cref="TryCharge"/>.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
