using System.Security.Claims;

namespace Typed.SocketIO.Internal;

/// <summary>The default user id: the handshake user's <see cref="ClaimTypes.NameIdentifier"/> claim, as SignalR's.</summary>
internal sealed class NameIdentifierUserIdProvider : ISocketIOUserIdProvider
{
    public static readonly NameIdentifierUserIdProvider Instance = new();

    public string? GetUserId(SocketIOSocket socket) => socket.Handshake.User.FindFirst(ClaimTypes.NameIdentifier)?.Value;
}
