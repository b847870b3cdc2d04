namespace Typed.SocketIO.Contracts.Internal;

/// <summary>One handler instance for every event (what <c>Register(handler)</c> means).</summary>
internal sealed class SingletonHandlerFactory<THandler>(THandler handler) : ISocketHandlerFactory<THandler>
    where THandler : class
{
    public THandler Create() => handler;

    public ValueTask ReleaseAsync(THandler handler) => ValueTask.CompletedTask;
}
