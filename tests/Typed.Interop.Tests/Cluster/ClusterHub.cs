using Typed.SocketIO;

namespace Typed.Interop.Tests.Cluster;

/// <summary>
/// A typed hub whose methods are the typed broadcasts (<c>Clients.All/Room/Except/User</c>, a broadcast with acks):
/// on two servers sharing one Redis, each must reach the sockets of both.
/// </summary>
public sealed class ClusterHub : SocketHub<IClusterHubClient>, IClusterHubServer
{
    public Task<bool> Join(string room)
    {
        Socket.Join(room);
        return Task.FromResult(true);
    }

    public async Task<bool> ToAll(string text)
    {
        await Clients.All.Note(text);
        return true;
    }

    public async Task<bool> ToRoom(string room, string text)
    {
        await Clients.Room(room).Note(text);
        return true;
    }

    public async Task<bool> ToAllExcept(string room, string text)
    {
        await Clients.Except(room).Note(text);
        return true;
    }

    public async Task<bool> ToUser(string userId, string text)
    {
        await Clients.User(userId).Note(text);
        return true;
    }

    public async Task<string[]> AskAll(string question)
    {
        var answers = await Clients.All.Timeout(TimeSpan.FromSeconds(5)).Answer(question);
        return [.. answers.Order(StringComparer.Ordinal)];
    }
}
