using System.Text.Json.Serialization;
using Typed;

namespace Typed.Interop.Tests.Cluster;

/// <summary>What a client asks its server's <see cref="ClusterHub"/> to do (client → server): each call is a typed broadcast.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ClusterHubJson))]
public interface IClusterHubServer
{
    Task<bool> Join(string room);

    Task<bool> ToAll(string text);

    Task<bool> ToRoom(string room, string text);

    Task<bool> ToAllExcept(string room, string text);

    Task<bool> ToUser(string userId, string text);

    /// <summary>A typed broadcast with acknowledgements to every socket of every server; the sorted answers.</summary>
    Task<string[]> AskAll(string question);
}

/// <summary>What the hub sends (server → client).</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(ClusterHubJson))]
public interface IClusterHubClient
{
    Task Note(string text);

    /// <summary>Answered with the client's label.</summary>
    Task<string> Answer(string question);
}

[JsonSerializable(typeof(string[]))]
public sealed partial class ClusterHubJson : JsonSerializerContext;
