using System.Text.Json.Serialization;
using Typed;

namespace Typed.Interop.Tests.Streaming;

public sealed record Tick(int Seq, string Text);

/// <summary>Client → server: streams the hub produces, and calls that make the hub consume the client's streams.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(StreamJson))]
public interface IStreamServer
{
    /// <summary><paramref name="count"/> ticks, then the end.</summary>
    IAsyncEnumerable<Tick> Ticks(int count, CancellationToken cancellationToken = default);

    /// <summary>0, 1, 2… until cancelled; the hub counts what it produced in <see cref="StreamLog"/>.</summary>
    IAsyncEnumerable<int> Endless(CancellationToken cancellationToken = default);

    /// <summary><paramref name="after"/> items, then the producer throws.</summary>
    IAsyncEnumerable<int> Failing(int after);

    /// <summary><paramref name="after"/> items, then the producer cancels itself.</summary>
    IAsyncEnumerable<int> StopsItself(int after);

    /// <summary>The hub consumes the caller's <see cref="IStreamClient.Numbers"/> and returns the sum.</summary>
    Task<int> SumFromClient(int count);

    /// <summary>The hub takes <paramref name="take"/> of the caller's endless numbers and stops the stream.</summary>
    Task<int> TakeFromClient(int take);

    /// <summary>The hub consumes the caller's numbers until something ends it; what ended it goes to the log.</summary>
    Task ConsumeFromClient();

    /// <summary>The server disconnects the caller.</summary>
    Task Kick();
}

/// <summary>Server → client: the stream the .NET client produces for the hub.</summary>
[SocketContract(NamingPolicy = EventNamingPolicy.CamelCase, JsonContext = typeof(StreamJson))]
public interface IStreamClient
{
    /// <summary>0..count-1, or forever when count is negative.</summary>
    IAsyncEnumerable<int> Numbers(int count, CancellationToken cancellationToken = default);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Tick))]
public sealed partial class StreamJson : JsonSerializerContext;
