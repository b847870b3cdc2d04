using System.Text.Json;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Cluster;

/// <summary>Names a socket's user from its handshake's <c>auth.user</c> (test only: the client says who it is).</summary>
internal sealed class AuthUserIdProvider : ISocketIOUserIdProvider
{
    public string? GetUserId(SocketIOSocket socket) =>
        socket.Handshake.Auth.ValueKind == JsonValueKind.Object && socket.Handshake.Auth.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.String
            ? user.GetString()
            : null;
}
