using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Typed;

/// <summary>Our server with <see cref="FileHub"/> on <c>/files</c>, on a <see cref="KestrelTestHost"/>.</summary>
internal static class FileHubHost
{
    public static Task<KestrelTestHost> StartAsync(string parser) => KestrelTestHost.StartAsync(
        builder =>
        {
            builder.Services.AddSingleton<HubLog>();
            builder.Services.AddSocketIO(o =>
            {
                o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
                o.EngineIO.AllowAnyOrigin = true;
            });
        },
        app =>
        {
            app.MapSocketIO();
            app.MapSocketHub<FileHub>("/files");
        });
}
