using System.Text.Json;

namespace Typed.SocketIO.Contracts;

/// <summary>Something typed handlers can be registered on: a client socket, a server socket.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public interface ISocketIOEventSource
{
    /// <summary>Resolves argument types for contracts that name no <c>JsonContext</c>.</summary>
    JsonSerializerOptions JsonSerializerOptions { get; }

    /// <summary>Handles <paramref name="eventName"/>; disposing the result removes the handler.</summary>
    IDisposable On(string eventName, Func<ISocketIOEvent, ValueTask> handler);
}
