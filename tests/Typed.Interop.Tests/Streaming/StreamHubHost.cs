using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Streaming;

/// <summary>Our server with <see cref="StreamHub"/> on <c>/stream</c>, on a <see cref="KestrelTestHost"/>.</summary>
internal static class StreamHubHost
{
    public static Task<KestrelTestHost> StartAsync(string parser, int streamWindow = 16) => KestrelTestHost.StartAsync(
        builder =>
        {
            builder.Services.AddSingleton<StreamLog>();
            builder.Services.AddSocketIO(o =>
            {
                o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
                o.EngineIO.AllowAnyOrigin = true;
                o.StreamWindow = streamWindow;
            });
        },
        app =>
        {
            app.MapSocketIO();
            app.MapSocketHub<StreamHub>("/stream");
        });
}
