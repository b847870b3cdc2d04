using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Typed;

/// <summary>Our server with <see cref="ChatHub"/> on <c>/chat</c>, on a <see cref="KestrelTestHost"/>.</summary>
internal static class TypedHubHost
{
    public static Task<KestrelTestHost> StartAsync(string parser, Action<SocketIOOptions>? configure = null) => KestrelTestHost.StartAsync(
        builder =>
        {
            builder.Services.AddSingleton<HubLog>();
            builder.Services.AddSocketIO(o =>
            {
                o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
                o.EngineIO.AllowAnyOrigin = true;
                configure?.Invoke(o);
            });
        },
        app =>
        {
            app.MapSocketIO();
            app.MapSocketHub<ChatHub>("/chat");
        });
}
