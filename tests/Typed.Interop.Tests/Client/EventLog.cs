using Typed.SocketIO;
using Typed.SocketIO.Client;

namespace Typed.Interop.Tests.Client;

/// <summary>Records every event a socket receives and its lifecycle notifications, in the order its handlers saw them.</summary>
internal sealed class EventLog
{
    private readonly object _gate = new();
    private readonly List<(string Name, SocketIOArguments Args)> _events = [];
    private readonly List<string> _lifecycle = [];

    public EventLog(SocketIOClientSocket socket)
    {
        socket.OnAny(e =>
        {
            lock (_gate)
            {
                _events.Add((e.EventName, e.Arguments));
            }

            return ValueTask.CompletedTask;
        });
        socket.Connected += _ => Add("connect");
        socket.ConnectFailed += (_, error) => Add("connect_error:" + error.Message);
        socket.Disconnected += (_, reason) => Add("disconnect:" + reason.ToWireString());
    }

    public IReadOnlyList<string> Lifecycle
    {
        get
        {
            lock (_gate)
            {
                return [.. _lifecycle];
            }
        }
    }

    public IReadOnlyList<SocketIOArguments> Named(string name)
    {
        lock (_gate)
        {
            return [.. _events.Where(e => e.Name == name).Select(e => e.Args)];
        }
    }

    /// <summary>Waits until <paramref name="count"/> events named <paramref name="name"/> have arrived; returns them.</summary>
    public Task<IReadOnlyList<SocketIOArguments>> WaitForAsync(string name, int count = 1) =>
        WaitUntilAsync(() => Named(name) is { } events && events.Count >= count ? events : null, $"{count} × '{name}'");

    /// <summary>Waits until the lifecycle has <paramref name="entry"/> at least <paramref name="count"/> times.</summary>
    public Task WaitForLifecycleAsync(string entry, int count = 1) =>
        WaitUntilAsync(() => Lifecycle.Count(e => e == entry) >= count ? Lifecycle : null, $"{count} × '{entry}'");

    /// <summary>Waits until the lifecycle holds at least <paramref name="count"/> entries.</summary>
    public Task WaitForLifecycleCountAsync(int count) =>
        WaitUntilAsync(() => Lifecycle.Count >= count ? Lifecycle : null, $"{count} lifecycle entries");

    private async Task<T> WaitUntilAsync<T>(Func<T?> probe, string what)
        where T : class
    {
        var deadline = DateTime.UtcNow + ClientKit.Wait;
        while (true)
        {
            if (probe() is { } result)
            {
                return result;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {ClientKit.Wait.TotalSeconds} s for {what}; lifecycle: [{string.Join(", ", Lifecycle)}].");
            }

            await Task.Delay(10);
        }
    }

    private void Add(string entry)
    {
        lock (_gate)
        {
            _lifecycle.Add(entry);
        }
    }
}
