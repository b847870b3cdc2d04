using Typed.SocketIO;

namespace Chat.Server;

/// <summary>
/// The chat's typed hub on <c>/chat</c>: one instance per event (transient, as in SignalR); the state lives in the
/// <see cref="ChatRooms"/> singleton. Bad input is answered in the ack (<c>ok: false</c>, <c>error</c>), never thrown,
/// so a client always gets a clear reason instead of an ack timeout.
/// </summary>
public sealed class ChatHub(ChatRooms rooms) : SocketHub<IChatClient>, IChatServer
{
    /// <summary>Where the connection middleware (<see cref="ChatServerApp"/>) keeps the checked nickname.</summary>
    public const string NicknameKey = "nickname";

    private string Nickname => (string)Socket.Data[NicknameKey]!;

    public async Task<JoinResult> Join(string room, CancellationToken cancellationToken)
    {
        if (ChatLimits.CheckRoom(room) is { } error)
        {
            return JoinResult.Failed(room ?? "", error);
        }

        // Into the broadcast room first: a message posted meanwhile then arrives live and in the history (clients
        // drop the duplicate by id) rather than in neither.
        Socket.Join(room);
        var result = rooms.Join(room, Socket.Id, Nickname);
        if (!result.Ok)
        {
            if (rooms.MemberNickname(room, Socket.Id) is null)
            {
                Socket.Leave(room);
            }

            return result;
        }

        await Clients.Room(room).Except(Socket.Id).UserJoined(new Presence(room, Nickname, result.Members));
        return result;
    }

    public async Task Leave(string room)
    {
        if (rooms.Leave(room, Socket.Id) is { } members)
        {
            Socket.Leave(room);
            await Clients.Room(room).UserLeft(new Presence(room, Nickname, members));
        }
    }

    public async Task<MessageAck> Send(string room, string text, CancellationToken cancellationToken)
    {
        var (message, error) = rooms.Post(room, Socket.Id, text);
        if (message is null)
        {
            return MessageAck.Failed(error!);
        }

        await Clients.Room(room).Except(Socket.Id).Message(message);
        return new MessageAck(true, null, message.Id, message.Time);
    }

    public Task Typing(string room, bool isTyping) =>
        rooms.MemberNickname(room, Socket.Id) is { } nickname
            ? Clients.Room(room).Except(Socket.Id).Volatile.Typing(new TypingNotice(room, nickname, isTyping))
            : Task.CompletedTask;

    public override async Task OnDisconnectedAsync(SocketIODisconnectReason reason)
    {
        foreach (var (room, members) in rooms.LeaveAll(Socket.Id))
        {
            await Clients.Room(room).UserLeft(new Presence(room, Nickname, members));
        }
    }
}
