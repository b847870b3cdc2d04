using System.Text.Json;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.Hubs.Internal;

/// <summary>
/// One socket addressed by its id room: emits go through the adapter, and the acknowledgement is the only response
/// (none means the socket was not there).
/// </summary>
internal sealed class RoomPeer(SocketIOBroadcastOperator target) : ISocketIOPeer
{
    public JsonSerializerOptions JsonSerializerOptions => ((ISocketIOEmitter)target).JsonSerializerOptions;

    public ValueTask EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments) =>
        ((ISocketIOBroadcaster)target).EmitAsync(eventName, state, writeArguments);

    public Task<SocketIOArguments> EmitWithAckAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var broadcaster = (ISocketIOBroadcaster)(timeout is { } value ? target.Timeout(value) : target);
        return FirstAsync(eventName, broadcaster.EmitWithAckAsync(eventName, state, writeArguments, cancellationToken));
    }

    private static async Task<SocketIOArguments> FirstAsync(string eventName, Task<IReadOnlyList<SocketIOArguments>> responses)
    {
        IReadOnlyList<SocketIOArguments> all;
        try
        {
            all = await responses.ConfigureAwait(false);
        }
        catch (SocketIOAckTimeoutException)
        {
            throw new SocketIOAckTimeoutException(); // a single emit's timeout, not a broadcast's
        }

        if (all.Count == 0)
        {
            throw new SocketIODisconnectedException();
        }

        // One peer, as a unicast: its error acknowledgement fails the call, as SocketIOSocket.EmitWithAckAsync does.
        SocketContractArguments.ThrowIfError(eventName, all[0]);
        return all[0];
    }
}
