using Microsoft.Extensions.Logging;

namespace Typed.SocketIO.Internal;

/// <summary>Log messages of the Socket.IO server's start-up checks (event ids 150+, apart from <see cref="SocketIOLog"/>'s).</summary>
internal static partial class SocketIOStartupLog
{
    [LoggerMessage(150, LogLevel.Warning, "AddSocketIO() was called but the Socket.IO endpoint is not mapped, so no client can connect: add app.MapSocketIO(); after builder.Build().")]
    public static partial void EndpointNotMapped(ILogger logger);
}
