namespace Typed.SocketIO.Contracts;

/// <summary>What the generator emits for one contract, registered in <see cref="SocketContracts"/> at module load.</summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public sealed class SocketContractDescriptor<TContract>
    where TContract : class
{
    /// <summary>Creates the descriptor (generated code).</summary>
    public SocketContractDescriptor(
        IReadOnlyList<string> eventNames,
        Func<ISocketIOPeer, TContract> createProxy,
        Func<ISocketIOEventSource, ISocketHandlerFactory<TContract>, IDisposable> bind)
    {
        ArgumentNullException.ThrowIfNull(eventNames);
        ArgumentNullException.ThrowIfNull(createProxy);
        ArgumentNullException.ThrowIfNull(bind);
        EventNames = eventNames;
        CreateProxy = createProxy;
        Bind = bind;
    }

    /// <summary>The contract's event names, in declaration order (inherited ones included).</summary>
    public IReadOnlyList<string> EventNames { get; }

    /// <summary>Creates an emitter proxy over a peer.</summary>
    public Func<ISocketIOPeer, TContract> CreateProxy { get; }

    /// <summary>Registers one handler per event on a source; disposing the result removes them.</summary>
    public Func<ISocketIOEventSource, ISocketHandlerFactory<TContract>, IDisposable> Bind { get; }
}
