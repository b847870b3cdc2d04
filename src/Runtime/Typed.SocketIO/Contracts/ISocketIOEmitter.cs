using System.Text.Json;

namespace Typed.SocketIO.Contracts;

/// <summary>
/// Something typed events can be emitted to: a client socket, a server socket, a server broadcast. Generated proxies
/// call it; applications use the proxies.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketIOEmitter
{
    /// <summary>
    /// Resolves the <c>JsonTypeInfo</c> of argument types for contracts that name no <c>JsonContext</c>
    /// (what <c>UseJson(context)</c> configured).
    /// </summary>
    JsonSerializerOptions JsonSerializerOptions { get; }

    /// <summary>Emits <paramref name="eventName"/> with the arguments <paramref name="writeArguments"/> writes from <paramref name="state"/>, asking no acknowledgement.</summary>
    /// <exception cref="ArgumentException">The name is reserved (connect, disconnect…).</exception>
    ValueTask EmitAsync<TState>(string eventName, in TState state, WriteArgumentsCallback<TState> writeArguments);
}
