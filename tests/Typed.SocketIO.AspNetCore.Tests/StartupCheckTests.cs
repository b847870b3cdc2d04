using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO.AspNetCore.Tests.Infrastructure;
using Typed.SocketIO.Contracts;

namespace Typed.SocketIO.AspNetCore.Tests;

/// <summary>
/// Wiring checked at start-up, on a real Kestrel: a hub mapped without <c>MapSocketIO()</c> fails the start with what to
/// add; <c>AddSocketIO()</c> with nothing mapped starts but logs a warning; a correctly wired server does neither.
/// </summary>
[Trait("Category", TestCategories.Protocol)]
public sealed class StartupCheckTests
{
    static StartupCheckTests()
    {
        // What the generator would register for the hub (this project does not run it).
        SocketHubs.Register(new SocketHubDescriptor<StartupHub>(static _ => new StartupHub(), static (_, _) => SocketContracts.Combine([])));
    }

    [Fact]
    public async Task A_hub_mapped_without_MapSocketIO_fails_the_start_saying_what_to_add()
    {
        var builder = KestrelTestHost.CreateBuilder();
        builder.Services.AddSocketIO();
        await using var app = builder.Build();
        app.MapSocketHub<StartupHub>("/hub");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync(timeout.Token));

        Assert.Contains("MapSocketHub<StartupHub>(\"/hub\")", error.Message, StringComparison.Ordinal);
        Assert.Contains("add app.MapSocketIO();", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSocketIO_with_nothing_mapped_logs_a_warning_at_start()
    {
        var logs = new CapturingLoggerProvider();
        var builder = KestrelTestHost.CreateBuilder();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSocketIO();

        await using var host = await KestrelTestHost.StartAsync(builder.Build());

        var warning = Assert.Single(logs.Entries, e => e.EventId.Id == 150);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("add app.MapSocketIO();", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_with_MapSocketIO_mapped_after_it_starts_without_a_warning_and_serves_the_handshake()
    {
        var logs = new CapturingLoggerProvider();
        var builder = KestrelTestHost.CreateBuilder();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSocketIO();
        var app = builder.Build();
        app.MapSocketHub<StartupHub>("/hub");
        app.MapSocketIO();

        await using var host = await KestrelTestHost.StartAsync(app);
        using var http = host.CreateHttpClient();
        using var response = await http.GetAsync(new Uri("socket.io/?EIO=4&transport=polling", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == 150);
    }

    private sealed class StartupHub : SocketHub
    {
    }
}
