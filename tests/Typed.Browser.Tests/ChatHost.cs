using Chat.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;

namespace Typed.Browser.Tests;

/// <summary>The chat server (the sample's own <see cref="ChatServerApp"/> set-up) on a real Kestrel at 127.0.0.1:0.</summary>
internal sealed class ChatHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ChatHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>For example <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; }

    public ChatRooms Rooms => _app.Services.GetRequiredService<ChatRooms>();

    public static async Task<ChatHost> StartAsync()
    {
        var builder = LoopbackHost.CreateBuilder();
        builder.Services.AddChat();
        var app = builder.Build();
        app.MapChat();
        return new ChatHost(app, (await LoopbackHost.StartAsync(app)).ToString().TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
