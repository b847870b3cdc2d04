using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Typed.SocketIO;

namespace Typed.Interop.Tests.Authorization;

/// <summary>
/// Our server with the token scheme, a "gold" policy, <see cref="SecureHub"/> on <c>/secure</c>,
/// <see cref="OpenHub"/> on <c>/open</c> and an untyped <c>/vault</c> that requires the gold policy.
/// </summary>
internal static class AuthTestHost
{
    public const string GoldPolicy = "gold";

    public static Task<KestrelTestHost> StartAsync(string parser, Action<SocketHubOptions>? openHubFilters = null, Action<SocketHubOptions>? globalFilters = null, ILoggerProvider? logs = null) =>
        KestrelTestHost.StartAsync(
            builder =>
            {
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                    builder.Logging.SetMinimumLevel(LogLevel.Debug);
                }

                builder.Services.AddSingleton<AuthLog>();
                builder.Services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
                builder.Services.AddAuthorization(o => o.AddPolicy(GoldPolicy, p => p.RequireClaim("tier", "gold")));
                if (globalFilters is not null)
                {
                    builder.Services.Configure(globalFilters);
                }

                builder.Services.AddSocketIO(o =>
                {
                    o.Parser = parser == "msgpack" ? SocketIOParser.MessagePack : SocketIOParser.Json;
                    o.EngineIO.AllowAnyOrigin = true;
                });
            },
            app =>
            {
                app.UseAuthentication();
                app.MapSocketIO();
                app.MapSocketHub<SecureHub>("/secure");
                app.MapSocketHub<OpenHub>("/open", openHubFilters);
                var server = app.Services.GetRequiredService<SocketIOServer>();
                server.Of("/vault").RequireAuthorization(GoldPolicy).OnConnection(socket => socket.On("secret", e => e.Ack("treasure")));
            });
}
