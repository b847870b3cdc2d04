using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Typed.SocketIO.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A bare Kestrel whose Engine.IO path runs a handler the test writes by hand: a server that misbehaves on purpose,
/// for the .NET client's fault tests.
/// </summary>
internal static class HandWrittenServer
{
    /// <summary>A valid Engine.IO open packet with long heartbeats and no upgrades, as such servers send it.</summary>
    public const string OpenPacket = """0{"sid":"AAAAAAAAAAAAAAAAAAAA","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}""";

    /// <summary>Starts a server that runs <paramref name="handler"/> for every request under <paramref name="path"/>.</summary>
    public static Task<KestrelTestHost> StartAsync(string path, RequestDelegate handler) => KestrelTestHost.StartAsync(
        configureBuilder: null,
        configureApp: app =>
        {
            app.UseWebSockets();
            app.Map(path, branch => branch.Run(handler));
        });
}
