using Microsoft.AspNetCore.Authorization;

namespace Typed.SocketIO;

/// <summary>The authorization attributes of one hub method, keyed by the event it handles.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public sealed class SocketHubMethodAuthorization
{
    /// <summary>Creates the method's authorization data (generated code).</summary>
    public SocketHubMethodAuthorization(string eventName, bool allowsAnonymous, IReadOnlyList<IAuthorizeData> data)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(data);
        EventName = eventName;
        AllowsAnonymous = allowsAnonymous;
        Data = data;
    }

    /// <summary>The event the method handles.</summary>
    public string EventName { get; }

    /// <summary>Whether the method carries <c>[AllowAnonymous]</c>: its events are not checked.</summary>
    public bool AllowsAnonymous { get; }

    /// <summary>The method's <c>[Authorize]</c> attributes.</summary>
    public IReadOnlyList<IAuthorizeData> Data { get; }
}
