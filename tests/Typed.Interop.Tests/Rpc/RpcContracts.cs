using System.Text.Json.Serialization;
using Typed;

namespace Typed.Interop.Tests.Rpc;

/// <summary>An order whose members are C# <c>required</c>: System.Text.Json refuses JSON that lacks them.</summary>
public sealed record Order
{
    public required string Item { get; init; }

    public required int Quantity { get; init; }
}

/// <summary>Client → server calls that fail in every way the typed RPC rules cover.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(RpcJson))]
public interface IRpcServer
{
    Task<int> Double(int n);

    Task<string> Greet(string name);

    Task<string> Note(string? text);

    Task<int> Fail(string message);

    Task<int> Place(Order order);

    Task<string> AskClient(int n);
}

/// <summary>Server → client calls.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(RpcJson))]
public interface IRpcClient
{
    Task<int> Compute(int n);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Order))]
public sealed partial class RpcJson : JsonSerializerContext;
