namespace Typed.SocketIO.Contracts.Internal;

/// <summary>Disposes a set of subscriptions once, whoever calls first.</summary>
internal sealed class CompositeSubscription(IDisposable[] subscriptions) : IDisposable
{
    private IDisposable[]? _subscriptions = subscriptions;

    public void Dispose()
    {
        foreach (var subscription in Interlocked.Exchange(ref _subscriptions, null) ?? [])
        {
            subscription.Dispose();
        }
    }
}
