using System.Text.Json.Serialization;
using Typed;

namespace Chat;

/// <summary>
/// What a client sends (client → server). Event names are camelCase: <c>join</c>, <c>leave</c>, <c>send</c>,
/// <c>typing</c>; a JavaScript client emits them with <c>socket.emit(…)</c>/<c>socket.emitWithAck(…)</c>.
/// </summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IChatServer
{
    /// <summary>Joins <paramref name="room"/> under the connection's nickname; the ack carries the members and the recent history.</summary>
    Task<JoinResult> Join(string room, CancellationToken cancellationToken = default);

    /// <summary>Leaves <paramref name="room"/>; acked (with no value) once done.</summary>
    Task Leave(string room);

    /// <summary>Posts <paramref name="text"/> to a room the caller joined; the ack carries the message's id and server time.</summary>
    Task<MessageAck> Send(string room, string text, CancellationToken cancellationToken = default);

    /// <summary>Tells the room's other members the caller is (or stopped) typing. Not acknowledged; volatile.</summary>
    Task Typing(string room, bool isTyping);
}

/// <summary>What the server sends (server → client): <c>message</c>, <c>userJoined</c>, <c>userLeft</c>, <c>typing</c>.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ChatJson))]
public interface IChatClient
{
    /// <summary>A message another member posted to one of the caller's rooms.</summary>
    Task Message(ChatMessage message);

    Task UserJoined(Presence presence);

    Task UserLeft(Presence presence);

    Task Typing(TypingNotice notice);
}

/// <summary>The handshake's <c>auth</c> object: <c>io("/chat", { auth: { nickname: "alice" } })</c>.</summary>
public sealed record ChatAuth(string Nickname);

public sealed record ChatMessage(string Id, string Room, string From, string Text, DateTimeOffset Time);

/// <summary>The ack of <c>join</c>: <see cref="Ok"/> with the members and history, or an <see cref="Error"/> saying what was wrong.</summary>
public sealed record JoinResult(bool Ok, string? Error, string Room, string[] Members, ChatMessage[] History)
{
    public static JoinResult Failed(string room, string error) => new(false, error, room, [], []);
}

/// <summary>The ack of <c>send</c>: the stored message's id and server time, or an <see cref="Error"/>.</summary>
public sealed record MessageAck(bool Ok, string? Error, string? Id, DateTimeOffset? Time)
{
    public static MessageAck Failed(string error) => new(false, error, null, null);
}

/// <summary>Someone joined or left <see cref="Room"/>; <see cref="Members"/> are the nicknames now in it.</summary>
public sealed record Presence(string Room, string Nickname, string[] Members);

public sealed record TypingNotice(string Room, string Nickname, bool IsTyping);

/// <summary>The limits the server enforces (clients may check them first for a quicker error).</summary>
public static class ChatLimits
{
    public const int MaxNicknameLength = 32;
    public const int MaxRoomLength = 64;
    public const int MaxTextLength = 2_000;
    public const int HistoryPerRoom = 50;
    public const int MaxRooms = 1_000;
    public const int MaxRoomsPerConnection = 10;

    /// <summary>Null when <paramref name="nickname"/> is acceptable, else why not.</summary>
    public static string? CheckNickname(string? nickname) =>
        string.IsNullOrWhiteSpace(nickname) ? "a nickname is required"
        : nickname.Length > MaxNicknameLength ? $"the nickname is longer than {MaxNicknameLength} characters"
        : HasControlCharacters(nickname) ? "the nickname contains control characters"
        : null;

    /// <summary>Null when <paramref name="room"/> is acceptable (letters, digits, '-', '_', '.'), else why not.</summary>
    public static string? CheckRoom(string? room)
    {
        if (string.IsNullOrEmpty(room))
        {
            return "a room name is required";
        }

        if (room.Length > MaxRoomLength)
        {
            return $"the room name is longer than {MaxRoomLength} characters";
        }

        foreach (var c in room)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return "a room name may contain only letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }

    /// <summary>Null when <paramref name="text"/> is acceptable, else why not.</summary>
    public static string? CheckText(string? text) =>
        string.IsNullOrWhiteSpace(text) ? "the message is empty"
        : text.Length > MaxTextLength ? $"the message is longer than {MaxTextLength} characters"
        : null;

    private static bool HasControlCharacters(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Source-generated JSON metadata for every type on the wire: no reflection, NativeAOT-safe.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChatAuth))]
[JsonSerializable(typeof(ChatMessage))]
[JsonSerializable(typeof(JoinResult))]
[JsonSerializable(typeof(MessageAck))]
[JsonSerializable(typeof(Presence))]
[JsonSerializable(typeof(TypingNotice))]
public sealed partial class ChatJson : JsonSerializerContext;
