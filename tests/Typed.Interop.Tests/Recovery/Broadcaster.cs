namespace Typed.Interop.Tests.Recovery;

/// <summary>Sends numbered packets (1, 2, 3…) one after the other until stopped, and says which was the last.</summary>
internal sealed class Broadcaster
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _last;

    private Broadcaster(Func<int, Task> send, TimeSpan pause) => _loop = Task.Run(() => RunAsync(send, pause));

    public int Last => Volatile.Read(ref _last);

    public static Broadcaster Start(Action<int> send, TimeSpan? pause = null) => new(n =>
    {
        send(n);
        return Task.CompletedTask;
    }, pause ?? TimeSpan.FromMilliseconds(2));

    public static Broadcaster Start(Func<int, Task> send, TimeSpan? pause = null) => new(send, pause ?? TimeSpan.FromMilliseconds(2));

    /// <summary>Stops sending and returns the number of the last packet sent.</summary>
    public async Task<int> StopAsync()
    {
        _stop.Cancel();
        await _loop.WaitAsync(TimeSpan.FromSeconds(20));
        _stop.Dispose();
        return Last;
    }

    private async Task RunAsync(Func<int, Task> send, TimeSpan pause)
    {
        for (var n = 1; !_stop.IsCancellationRequested; n++)
        {
            await send(n);
            Volatile.Write(ref _last, n);
            try
            {
                await Task.Delay(pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
