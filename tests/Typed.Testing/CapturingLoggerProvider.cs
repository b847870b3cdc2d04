using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Typed.Testing;

/// <summary>
/// Keeps every log entry (category, event id, level, message, exception) so tests can assert what a server logged,
/// wait for entries without sleeping, and print the log in a failure message.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly object _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<TimeSpan> _times = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(string Category, EventId EventId, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    /// <summary>Waits (at most <paramref name="timeout"/>, 10 s by default) until <paramref name="count"/> entries match.</summary>
    public async Task<List<(string Category, EventId EventId, LogLevel Level, string Message, Exception? Exception)>> WaitForAsync(
        Func<(string Category, EventId EventId, LogLevel Level, string Message, Exception? Exception), bool> match, int count, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            // Checked after taking the signal: an entry added between the two wakes the wait at once.
            var found = Entries.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            await changed.WaitAsync(cancel.Token);
        }
    }

    /// <summary>
    /// The entries of categories starting with <paramref name="categoryPrefix"/>, one per line with the time since this
    /// provider was made (the last <paramref name="max"/>), for a failure message.
    /// </summary>
    public string Describe(string categoryPrefix = "Typed", int max = 200)
    {
        var times = _times.ToArray();
        var entries = Entries.ToArray();
        var lines = new List<string>();
        for (var i = 0; i < entries.Length; i++)
        {
            var (category, eventId, level, message, exception) = entries[i];
            if (category.StartsWith(categoryPrefix, StringComparison.Ordinal))
            {
                var at = i < times.Length ? times[i].TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms" : "?";
                lines.Add($"{at} {level} {category}[{eventId.Id}] {message}{(exception is null ? "" : " (" + exception.GetType().Name + ": " + exception.Message + ")")}");
            }
        }

        var text = new StringBuilder();
        if (lines.Count > max)
        {
            text.AppendLine($"({lines.Count - max} earlier entries left out)");
        }

        foreach (var line in lines.Skip(Math.Max(0, lines.Count - max)))
        {
            text.AppendLine(line);
        }

        return text.ToString();
    }

    /// <summary>Forgets every entry so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            Entries.Clear();
            _times.Clear();
        }
    }

    public void Dispose()
    {
    }

    private void Add((string, EventId, LogLevel, string, Exception?) entry)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            // Under the gate so the times stay one for one with the entries.
            _times.Enqueue(_clock.Elapsed);
            Entries.Enqueue(entry);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Add((category, eventId, logLevel, formatter(state, exception), exception));
    }
}
