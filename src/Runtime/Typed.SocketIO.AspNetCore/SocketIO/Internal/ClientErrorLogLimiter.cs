namespace Typed.SocketIO.Internal;

/// <summary>
/// Lets one log entry through per interval and counts the ones it holds back, so a client that sends 10,000 bad
/// events writes a handful of lines instead of 10,000 (the amplification of reliability bug 6). One per socket and
/// kind of error; lock-free because handlers of one socket may fail on several threads over time.
/// </summary>
internal sealed class ClientErrorLogLimiter
{
    private long _nextAllowed = long.MinValue;
    private int _suppressed;

    /// <summary>Whether to log now; if so, <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool TryEnter(TimeSpan interval, out int suppressed)
    {
        var now = Environment.TickCount64;
        var next = Volatile.Read(ref _nextAllowed);
        if (now < next || Interlocked.CompareExchange(ref _nextAllowed, now + (long)interval.TotalMilliseconds, next) != next)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }

        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
