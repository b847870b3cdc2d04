using Microsoft.Extensions.Logging;

namespace Typed.Interop.Tests.Cluster;

/// <summary>Counts the Redis adapter's "dropped a message" log entries (event id 4 of category Typed.SocketIO.Redis).</summary>
internal sealed class DroppedMessageCounter : ILoggerProvider, ILogger
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ILogger CreateLogger(string categoryName) => categoryName == "Typed.SocketIO.Redis" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == 4)
        {
            Interlocked.Increment(ref _count);
        }
    }

    public void Dispose()
    {
    }
}
