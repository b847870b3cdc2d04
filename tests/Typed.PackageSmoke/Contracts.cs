// One [SocketContract] pair, compiled into the server and the client: the generator inside the Typed packages turns
// it into the hub's binder and broadcaster (server) and the proxy and binder (client).
using System.Text.Json.Serialization;
using Typed;

namespace PackageSmoke;

/// <summary>Client → server.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(SmokeJson))]
public interface IGreeterServer
{
    /// <summary>"greet", acknowledged with the greeting.</summary>
    Task<Greeting> Greet(GreetRequest request, CancellationToken cancellationToken = default);
}

/// <summary>Server → client.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(SmokeJson))]
public interface IGreeterClient
{
    /// <summary>"greeted": the same greeting, sent as an event before the acknowledgement.</summary>
    Task Greeted(Greeting greeting);
}

public sealed record GreetRequest(string Name, int Number);

public sealed record Greeting(string Text, int Number);

public sealed record SmokeResult(Greeting Ack, Greeting Event);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GreetRequest))]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(SmokeResult))]
public sealed partial class SmokeJson : JsonSerializerContext;
