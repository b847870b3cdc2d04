using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Bench.Server;

/// <summary>The workloads on an ASP.NET Core SignalR hub at /hub (JSON protocol, default options).</summary>
public static class SignalRApp
{
    public static void AddServices(IServiceCollection services) => services.AddSignalR();

    public static void Map(WebApplication app) => app.MapHub<BenchHub>("/hub");
}

/// <summary>Per-connection fire-and-forget counter.</summary>
public sealed class Counter
{
    public long Value;
}

public sealed class BenchHub : Hub
{
    public override Task OnConnectedAsync()
    {
        Context.Items["n"] = new Counter();
        return Task.CompletedTask;
    }

    public JsonElement Echo(JsonElement payload) => payload;

    public void Ff(JsonElement payload)
    {
        _ = payload;
        ((Counter)Context.Items["n"]!).Value++;
    }

    public long Barrier() => ((Counter)Context.Items["n"]!).Value;

    public async Task<int> Emits(int count)
    {
        var caller = Clients.Caller;
        for (var i = 0; i < count; i++)
        {
            await caller.SendAsync("data", Payload.Element);
        }

        return count;
    }

    public Task Bcast(JsonElement payload) => Clients.All.SendAsync("b", payload);
}
