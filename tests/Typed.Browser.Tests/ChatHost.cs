using Chat.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Typed.Browser.Tests;

/// <summary>The chat server (the sample's own <see cref="ChatServerApp"/> set-up) on a <see cref="KestrelTestHost"/>.</summary>
internal static class ChatHost
{
    public static Task<KestrelTestHost> StartAsync(Action<WebApplication>? beforeChat = null) =>
        KestrelTestHost.StartAsync(builder => builder.Services.AddChat(), app =>
        {
            beforeChat?.Invoke(app);
            app.MapChat();
        });

    /// <summary>The chat server's room state, to wait for what a browser did.</summary>
    public static ChatRooms Rooms(this KestrelTestHost host) => host.Services.GetRequiredService<ChatRooms>();
}
