namespace Typed.SocketIO.Contracts;

/// <summary>
/// Supplies the object that handles one event: the same instance every time (<c>Register(handler)</c>), or a hub
/// created per event from a dependency-injection scope.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketHandlerFactory<THandler>
    where THandler : class
{
    /// <summary>The handler for the event about to be dispatched.</summary>
    THandler Create();

    /// <summary>Called once the handler's method has completed (or failed).</summary>
    ValueTask ReleaseAsync(THandler handler);
}
