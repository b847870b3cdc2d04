using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>The Socket.IO server as an ASP.NET Core service: configuration, DI, shutdown.</summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class SocketIOServerLifecycleTests
{
    [Fact]
    public void Options_are_read_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SocketIO:Parser"] = "msgpack",
            ["SocketIO:ConnectTimeout"] = "1500",
            ["SocketIO:PingInterval"] = "00:00:10",
            ["SocketIO:PingTimeout"] = "4000",
            ["SocketIO:MaxHttpBufferSize"] = "1e5",
            ["SocketIO:MaxAttachments"] = "3",
            ["SocketIO:AllowedOrigins:0"] = "https://a.example",
            ["SocketIO:AllowedOrigins:1"] = "https://b.example",
        }).Build();
        var services = new ServiceCollection().AddSocketIO(configuration.GetSection("SocketIO"), o => o.MaxRoomsPerSocket = 7);

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<SocketIOOptions>>().Value;

        Assert.Equal(SocketIOParser.MessagePack, options.Parser);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.EngineIO.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), options.EngineIO.PingTimeout);
        Assert.Equal(100_000, options.EngineIO.MaxHttpBufferSize);
        Assert.Equal(3, options.MaxAttachments);
        Assert.Equal(["https://a.example", "https://b.example"], options.EngineIO.AllowedOrigins);
        Assert.Equal(7, options.MaxRoomsPerSocket);
    }

    [Fact]
    public void Invalid_configuration_is_refused_with_a_clear_message()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Parser"] = "xml" }).Build();
        var services = new ServiceCollection().AddSocketIO(configuration);

        var error = Assert.Throws<InvalidOperationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<SocketIOOptions>>().Value);
        Assert.Equal("SocketIO:Parser must be 'json' or 'msgpack', not 'xml'.", error.Message);
    }

    [Fact]
    public async Task Server_from_dependency_injection_emits_outside_any_handler()
    {
        await using var host = await Host.StartAsync(app => app.MapPost("/notify", (SocketIOServer io) =>
        {
            io.Emit("notice", "from a controller");
            return Results.Ok();
        }));
        var sid = await host.ConnectPollingAsync();

        using (await host.Http.PostAsync("/notify", null))
        {
        }

        Assert.Equal("42[\"notice\",\"from a controller\"]", await host.Http.GetStringAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}"));
    }

    [Fact]
    public async Task Application_shutdown_disconnects_sockets_with_server_shutting_down()
    {
        var reasons = new List<SocketIODisconnectReason>();
        await using var host = await Host.StartAsync();
        host.IO.MainNamespace.OnConnection(socket => socket.Disconnected += (_, reason) => { lock (reasons) { reasons.Add(reason); } });
        await host.ConnectPollingAsync();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await host.App.StopAsync(timeout.Token);

        Assert.Equal([SocketIODisconnectReason.ServerShuttingDown], reasons);
    }

    /// <summary>A real Kestrel with the Socket.IO endpoint and a raw polling client.</summary>
    private sealed class Host : IAsyncDisposable
    {
        private Host(WebApplication app, HttpClient http)
        {
            App = app;
            Http = http;
            IO = app.Services.GetRequiredService<SocketIOServer>();
        }

        public WebApplication App { get; }

        public HttpClient Http { get; }

        public SocketIOServer IO { get; }

        public static async Task<Host> StartAsync(Action<WebApplication>? configure = null)
        {
            var builder = KestrelTestHost.CreateBuilder();
            builder.Services.AddSocketIO(o => o.EngineIO.PingInterval = TimeSpan.FromSeconds(30));
            var app = builder.Build();
            app.MapSocketIO();
            configure?.Invoke(app);
            return new Host(app, new HttpClient { BaseAddress = (await KestrelTestHost.StartAsync(app)).BaseUri, Timeout = TimeSpan.FromSeconds(10) });
        }

        /// <summary>Opens a polling session and joins "/"; returns the Engine.IO sid.</summary>
        public async Task<string> ConnectPollingAsync()
        {
            var open = await Http.GetStringAsync("/socket.io/?EIO=4&transport=polling");
            var sid = JsonDocument.Parse(open.AsMemory(1)).RootElement.GetProperty("sid").GetString()!;
            var content = new ByteArrayContent("40"u8.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            using (await Http.PostAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}", content))
            {
            }

            Assert.StartsWith("40{\"sid\":", await Http.GetStringAsync($"/socket.io/?EIO=4&transport=polling&sid={sid}"));
            return sid;
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.DisposeAsync();
        }
    }
}
