using Microsoft.AspNetCore.Authorization;

namespace Typed.SocketIO;

/// <summary>
/// The authorization attributes of a hub, read by the generator at compile time (no reflection at run time):
/// <c>[Authorize]</c>/<c>[AllowAnonymous]</c> on the hub class, checked when a socket connects to its namespace, and
/// on the methods implementing its contracts, checked per event.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // generated code's glue, not for applications
public sealed class SocketHubAuthorization
{
    /// <summary>Creates the authorization data (generated code).</summary>
    /// <param name="hub">The hub class's <c>[Authorize]</c> attributes.</param>
    /// <param name="hubAllowsAnonymous">Whether the hub class carries <c>[AllowAnonymous]</c>.</param>
    /// <param name="methods">The hub methods that carry authorization attributes, by event name.</param>
    public SocketHubAuthorization(IReadOnlyList<IAuthorizeData> hub, bool hubAllowsAnonymous, IReadOnlyList<SocketHubMethodAuthorization> methods)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(methods);
        Hub = hub;
        HubAllowsAnonymous = hubAllowsAnonymous;
        Methods = methods;
    }

    /// <summary>The hub class's <c>[Authorize]</c> attributes.</summary>
    public IReadOnlyList<IAuthorizeData> Hub { get; }

    /// <summary>Whether the hub class carries <c>[AllowAnonymous]</c>.</summary>
    public bool HubAllowsAnonymous { get; }

    /// <summary>The hub methods that carry authorization attributes.</summary>
    public IReadOnlyList<SocketHubMethodAuthorization> Methods { get; }
}
