using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.EngineIO;

namespace Typed.Fuzz;

/// <summary>
/// The server's request validation: the fuzz input is the raw query string of a GET on the Engine.IO endpoint, run
/// through the real ASP.NET Core pipeline (routing, MapEngineIO) without a socket. Whatever the query, the server must
/// answer with one of its documented statuses (200 for a handshake, 400 with an error code, 403, 503), never throw.
/// </summary>
internal static class HandshakeTarget
{
    private static readonly Lazy<(WebApplication App, RequestDelegate Pipeline)> s_server = new(Start);

    public static void Run(byte[] input)
    {
        var (app, pipeline) = s_server.Value;
        var query = Encoding.UTF8.GetString(input);
        var context = new DefaultHttpContext { RequestServices = app.Services };
        context.Request.Method = "GET";
        context.Request.Path = "/engine.io/";
        context.Request.QueryString = new QueryString("?" + query);
        context.Response.Body = Stream.Null;
        pipeline(context).GetAwaiter().GetResult();
        if (context.Response.StatusCode is not (200 or 400 or 403 or 503))
        {
            throw new ContractViolationException($"status {context.Response.StatusCode} for ?{query}");
        }
    }

    private static (WebApplication, RequestDelegate) Start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddEngineIO(options =>
        {
            // Sessions the fuzzer opens close on their own soon (no poll comes), so they cannot pile up.
            options.PingInterval = TimeSpan.FromMilliseconds(20);
            options.PingTimeout = TimeSpan.FromMilliseconds(20);
        });
        var app = builder.Build();

        // The pipeline is built by hand (the app never starts a server), so routing is added explicitly.
        app.UseRouting();
        app.MapEngineIO("/engine.io", new NullHandler());
        app.UseEndpoints(_ => { });
        return (app, ((IApplicationBuilder)app).Build());
    }

    private sealed class NullHandler : EngineIOHandler
    {
        public override ValueTask OnMessageAsync(EngineIOSocket socket, EngineIOMessage message) => ValueTask.CompletedTask;
    }
}
