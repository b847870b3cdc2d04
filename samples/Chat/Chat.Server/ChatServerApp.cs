using System.Text.Json;
using Microsoft.Extensions.FileProviders;
using Typed.SocketIO;

namespace Chat.Server;

/// <summary>The chat application, shared by <c>Program.cs</c> and the browser tests' in-process host.</summary>
public static class ChatServerApp
{
    /// <summary>The Socket.IO namespace of the chat: <c>io("/chat", { auth: { nickname } })</c>.</summary>
    public const string Namespace = "/chat";

    /// <summary>Registers Socket.IO (with the contracts' JSON metadata) and the chat's state.</summary>
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ChatRooms>();
        services.AddSocketIO(o => o.UseJson(ChatJson.Default));
        return services;
    }

    /// <summary>Serves the page (wwwroot beside the assembly) and maps Socket.IO with <see cref="ChatHub"/> on <see cref="Namespace"/>.</summary>
    public static WebApplication MapChat(this WebApplication app)
    {
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!File.Exists(Path.Combine(webRoot, "index.html")))
        {
            throw new InvalidOperationException($"The chat page is missing: {webRoot}/index.html (build samples/Chat/Chat.Server).");
        }

        var files = new PhysicalFileProvider(webRoot);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });

        app.MapSocketIO();
        app.MapSocketHub<ChatHub>(Namespace).Use(socket =>
        {
            // The nickname comes with the connection; a bad one is refused with a connect_error saying why.
            var nickname = socket.Handshake.Auth.ValueKind == JsonValueKind.Object
                && socket.Handshake.Auth.TryGetProperty("nickname", out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()!.Trim()
                : null;
            if (ChatLimits.CheckNickname(nickname) is { } error)
            {
                throw new SocketIOConnectionRejectedException(error + " (connect with auth: { nickname: \"…\" })");
            }

            socket.Data[ChatHub.NicknameKey] = nickname;
            return ValueTask.CompletedTask;
        });
        return app;
    }
}
