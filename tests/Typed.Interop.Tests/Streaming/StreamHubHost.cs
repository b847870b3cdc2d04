using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Streaming;

/// <summary>Our server with <see cref="StreamHub"/> on <c>/stream</c>, on a <see cref="KestrelTestHost"/>.</summary>
internal static class StreamHubHost
{
    public static Task<KestrelTestHost> StartAsync(string parser, int streamWindow = 16, ILoggerProvider? logs = null) => KestrelTestHost.StartAsync(
        builder =>
        {
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }

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
