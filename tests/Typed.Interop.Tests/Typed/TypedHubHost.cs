using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Typed;

/// <summary>Our server with <see cref="ChatHub"/> on <c>/chat</c>, on a real Kestrel at 127.0.0.1:0.</summary>
internal sealed class TypedHubHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TypedHubHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TypedHubHost> StartAsync(string parser)
    {
        var builder = LoopbackHost.CreateBuilder();
        builder.Services.AddSingleton<HubLog>();
        builder.Services.AddSocketIO(o =>
        {
            o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
            o.EngineIO.AllowAnyOrigin = true;
        });
        var app = builder.Build();
        app.MapSocketIO();
        app.MapSocketHub<ChatHub>("/chat");
        return new TypedHubHost(app, (await LoopbackHost.StartAsync(app)).ToString().TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
