using System.Text.Json;

namespace Typed.SocketIO;

/// <summary>
/// Thrown by namespace middleware to refuse a connection: the client receives <c>connect_error</c> with
/// <see cref="Exception.Message"/> and <see cref="Data"/>. Other exceptions refuse it too, but their details are never
/// sent (the client sees "Internal error").
/// </summary>
public sealed class SocketIOConnectionRejectedException : Exception
{
    /// <summary>Refuses with <paramref name="message"/> and no data.</summary>
    public SocketIOConnectionRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Refuses with <paramref name="message"/> and <paramref name="data"/> (any JSON value) for the client.</summary>
    public SocketIOConnectionRejectedException(string message, JsonElement data)
        : base(message)
    {
        Data = data;
    }

    /// <summary>The <c>data</c> the client's <c>connect_error</c> carries.</summary>
    public new JsonElement? Data { get; }
}
