using System.Security.Claims;

namespace Typed.SocketIO.Internal;

/// <summary>The user a recovery session is bound to (BAD-INPUTS E5: a stolen pid must not move to another principal).</summary>
internal static class SocketIOSessionUser
{
    /// <summary>The NameIdentifier claim, else the identity name, of an authenticated user; null for an anonymous one.</summary>
    public static string? Of(ClaimsPrincipal? user)
    {
        if (user?.Identity is not { IsAuthenticated: true } identity)
        {
            return null;
        }

        return user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? identity.Name ?? string.Empty;
    }
}
