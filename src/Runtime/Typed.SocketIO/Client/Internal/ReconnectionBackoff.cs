namespace Typed.SocketIO.Client.Internal;

/// <summary>
/// socket.io-client's backoff: <c>min × 2^attempt</c>, moved up or down by a random fraction of at most the
/// randomization factor, capped at max. Not thread-safe; the client's reconnection loop owns it.
/// </summary>
internal sealed class ReconnectionBackoff(TimeSpan min, TimeSpan max, double jitter, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;

    /// <summary>How many delays have been handed out since the last <see cref="Reset"/>.</summary>
    public int Attempts { get; private set; }

    /// <summary>The delay before the next attempt.</summary>
    public TimeSpan Next()
    {
        var ms = min.TotalMilliseconds * Math.Pow(2, Attempts++);
        if (jitter > 0)
        {
            var rand = _random.NextDouble();
            var deviation = Math.Floor(rand * jitter * ms);
            ms = ((int)Math.Floor(rand * 10) & 1) == 0 ? ms - deviation : ms + deviation;
        }

        // min × 2^n overflows to infinity long before an unlimited attempt count runs out; the cap holds it.
        return TimeSpan.FromMilliseconds(Math.Min(ms, max.TotalMilliseconds));
    }

    public void Reset() => Attempts = 0;
}
