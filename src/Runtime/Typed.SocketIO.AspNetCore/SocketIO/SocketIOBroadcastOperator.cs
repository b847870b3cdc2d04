using System.Text.Json;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO;

/// <summary>
/// Selects who a broadcast reaches (<c>To</c>, <c>Except</c>) and how (<c>Volatile</c>, <c>Local</c>,
/// <c>Compress</c>, <c>Timeout</c>); each call returns a new operator, so one can be kept and reused.
/// </summary>
public readonly struct SocketIOBroadcastOperator : ISocketIOBroadcaster
{
    private readonly SocketIONamespace _namespace;
    private readonly string[] _rooms;
    private readonly string[] _except;
    private readonly bool _volatile;
    private readonly bool _local;
    private readonly bool _compress;
    private readonly TimeSpan? _timeout;

    internal SocketIOBroadcastOperator(SocketIONamespace ns)
        : this(ns, [], [], false, false, true, null)
    {
    }

    private SocketIOBroadcastOperator(SocketIONamespace ns, string[] rooms, string[] except, bool isVolatile, bool local, bool compress, TimeSpan? timeout)
    {
        _namespace = ns;
        _rooms = rooms;
        _except = except;
        _volatile = isVolatile;
        _local = local;
        _compress = compress;
        _timeout = timeout;
    }

    /// <summary>Also reaches the sockets in <paramref name="room"/>.</summary>
    public SocketIOBroadcastOperator To(string room) => new(_namespace, [.. _rooms, room], _except, _volatile, _local, _compress, _timeout);

    /// <summary>Also reaches the sockets in each of <paramref name="rooms"/>.</summary>
    public SocketIOBroadcastOperator To(IEnumerable<string> rooms) => new(_namespace, [.. _rooms, .. rooms], _except, _volatile, _local, _compress, _timeout);

    /// <summary>Same as <see cref="To(string)"/>.</summary>
    public SocketIOBroadcastOperator In(string room) => To(room);

    /// <summary>Leaves out the sockets in <paramref name="room"/> (a socket id names a room holding that socket).</summary>
    public SocketIOBroadcastOperator Except(string room) => new(_namespace, _rooms, [.. _except, room], _volatile, _local, _compress, _timeout);

    /// <summary>Leaves out the sockets in each of <paramref name="rooms"/>.</summary>
    public SocketIOBroadcastOperator Except(IEnumerable<string> rooms) => new(_namespace, _rooms, [.. _except, .. rooms], _volatile, _local, _compress, _timeout);

    /// <summary>Drops the packet for recipients whose transport cannot take it right now.</summary>
    public SocketIOBroadcastOperator Volatile => new(_namespace, _rooms, _except, true, _local, _compress, _timeout);

    /// <summary>Reaches this server's sockets only.</summary>
    public SocketIOBroadcastOperator Local => new(_namespace, _rooms, _except, _volatile, true, _compress, _timeout);

    /// <summary>Whether the packet may be compressed (accepted for parity; compression is not negotiated).</summary>
    public SocketIOBroadcastOperator Compress(bool compress) => new(_namespace, _rooms, _except, _volatile, _local, compress, _timeout);

    /// <summary>How long <see cref="EmitWithAckAsync"/> waits for acknowledgements.</summary>
    public SocketIOBroadcastOperator Timeout(TimeSpan timeout) => new(_namespace, _rooms, _except, _volatile, _local, _compress, timeout);

    private SocketIOBroadcastOptions Options => new()
    {
        Rooms = _rooms,
        Except = _except,
        Volatile = _volatile,
        Local = _local,
        Compress = _compress,
        AckTimeout = _timeout ?? _namespace.Server.Options.DefaultAckTimeout,
    };

    /// <summary>Emits <paramref name="eventName"/> to the selected sockets; the packet is encoded once per namespace.</summary>
    public void Emit(string eventName, params object?[] args)
    {
        SocketIOEmitter.ValidateEventName(eventName);
        var options = Options;
        foreach (var target in _namespace.BroadcastTargets)
        {
            target.Adapter.Broadcast(SocketIOEmitter.CreateEvent(target, eventName, args, ackId: null), options);
        }
    }

    /// <summary>
    /// Emits to the selected sockets and collects their acknowledgements, in arrival order. Fails with
    /// <see cref="SocketIOAckTimeoutException"/> (its <c>Responses</c> hold those that did arrive) when not every
    /// recipient answers within the timeout (<see cref="Timeout"/>, or <see cref="SocketIOOptions.DefaultAckTimeout"/>).
    /// </summary>
    public Task<IReadOnlyList<SocketIOArguments>> EmitWithAckAsync(string eventName, params object?[] args)
    {
        SocketIOEmitter.ValidateEventName(eventName);
        var collector = new BroadcastAckCollector(_timeout ?? _namespace.Server.Options.DefaultAckTimeout);
        var options = Options;
        foreach (var target in _namespace.BroadcastTargets)
        {
            var packet = SocketIOEmitter.CreateEvent(target, eventName, args, target.NextAckId());
            target.Adapter.BroadcastWithAck(packet, options, collector.AddExpected, collector.OnResponse);
        }

        return collector.Seal();
    }

    JsonSerializerOptions ISocketIOEmitter.JsonSerializerOptions => _namespace.Server.Options.JsonSerializerOptions;

    ValueTask ISocketIOEmitter.EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments)
    {
        var options = Options;
        foreach (var target in _namespace.BroadcastTargets)
        {
            target.Adapter.Broadcast(SocketIOPayloadWriter.CreateEvent(target.Name, eventName, state, writeArguments, ackId: null), options);
        }

        return ValueTask.CompletedTask;
    }

    Task<IReadOnlyList<SocketIOArguments>> ISocketIOBroadcaster.EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, CancellationToken cancellationToken)
    {
        // Every packet is encoded before the collector starts its timer.
        var packets = new List<(SocketIONamespace Target, SocketIOPacket Packet)>();
        foreach (var target in _namespace.BroadcastTargets)
        {
            packets.Add((target, SocketIOPayloadWriter.CreateEvent(target.Name, eventName, state, writeArguments, target.NextAckId())));
        }

        var collector = new BroadcastAckCollector(_timeout ?? _namespace.Server.Options.DefaultAckTimeout);
        var options = Options;
        foreach (var (target, packet) in packets)
        {
            target.Adapter.BroadcastWithAck(packet, options, collector.AddExpected, collector.OnResponse);
        }

        var responses = collector.Seal();
        return cancellationToken.CanBeCanceled ? responses.WaitAsync(cancellationToken) : responses;
    }

    /// <summary>The selected sockets.</summary>
    public async ValueTask<IReadOnlyList<IRemoteSocket>> FetchSocketsAsync()
    {
        var options = Options;
        var sockets = new List<IRemoteSocket>();
        foreach (var target in _namespace.BroadcastTargets)
        {
            sockets.AddRange(await target.Adapter.FetchSocketsAsync(options).ConfigureAwait(false));
        }

        return sockets;
    }

    /// <summary>Makes the selected sockets join <paramref name="rooms"/>.</summary>
    public void SocketsJoin(params string[] rooms)
    {
        foreach (var target in _namespace.BroadcastTargets)
        {
            target.Adapter.AddSockets(Options, rooms);
        }
    }

    /// <summary>Makes the selected sockets leave <paramref name="rooms"/>.</summary>
    public void SocketsLeave(params string[] rooms)
    {
        foreach (var target in _namespace.BroadcastTargets)
        {
            target.Adapter.DeleteSockets(Options, rooms);
        }
    }

    /// <summary>Disconnects the selected sockets; <paramref name="close"/> also closes their connections.</summary>
    public void DisconnectSockets(bool close = false)
    {
        foreach (var target in _namespace.BroadcastTargets)
        {
            target.Adapter.DisconnectSockets(Options, close);
        }
    }
}
